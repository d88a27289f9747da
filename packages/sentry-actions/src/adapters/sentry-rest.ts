import { JsonHttpClient } from '@enterprise-agents/core/http';
import type { Logger } from '@enterprise-agents/core/logging';
import type { SentryEvent, SentryIssue, SentryPort } from '../domain/ports';

export interface SentryRestOptions {
  /** `https://sentry.io` (or a self-hosted / regional URL). */
  apiUrl: string;
  org: string;
  authToken: () => Promise<string>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** The `cursor` of a Sentry Link header's next page, when it has results. */
export const nextCursor = (link: string | null): string | undefined => {
  if (link === null) return undefined;
  for (const part of link.split(',')) {
    if (/rel="next"/.test(part) && /results="true"/.test(part)) return /cursor="([^"]+)"/.exec(part)?.[1];
  }
  return undefined;
};

/** {@link SentryPort} over the Sentry REST API with a bearer token, scoped to one org. */
export class SentryRestClient implements SentryPort {
  private readonly http: JsonHttpClient;

  constructor(private readonly options: SentryRestOptions) {
    this.http = new JsonHttpClient({
      service: 'sentry',
      baseUrl: options.apiUrl,
      logger: options.logger,
      sleep: options.sleep,
      headers: async () => ({ authorization: `Bearer ${await options.authToken()}` }),
    });
  }

  private get org(): string {
    return encodeURIComponent(this.options.org);
  }

  async listIssues(project: string, query: string, limit: number): Promise<SentryIssue[]> {
    const out: SentryIssue[] = [];
    let cursor: string | undefined;
    // Sentry pages with an opaque cursor in the Link header; stop at `limit` or the last page.
    for (let page = 0; page < 10 && out.length < limit; page += 1) {
      const res = await this.http.get<SentryIssue[]>(
        `/api/0/projects/${this.org}/${encodeURIComponent(project)}/issues/`,
        {
          query,
          limit: Math.min(100, limit),
          cursor,
        },
      );
      out.push(...res.data);
      cursor = nextCursor(res.headers.get('link'));
      if (cursor === undefined) break;
    }
    return out.slice(0, limit);
  }

  async getIssue(issueId: string): Promise<SentryIssue> {
    const { data } = await this.http.get<SentryIssue>(
      `/api/0/organizations/${this.org}/issues/${encodeURIComponent(issueId)}/`,
    );
    return data;
  }

  async latestEvent(issueId: string): Promise<SentryEvent> {
    const { data } = await this.http.get<SentryEvent>(
      `/api/0/organizations/${this.org}/issues/${encodeURIComponent(issueId)}/events/latest/`,
    );
    return data;
  }
}
