import { JsonHttpClient } from '@enterprise-agents/core/http';
import type { AdfNode } from '@enterprise-agents/core/jira';
import type { Logger } from '@enterprise-agents/core/logging';
import type { JiraComment, JiraIssue, JiraPort, JiraTransition } from '../domain/ports';

/** Jira Cloud credentials: the bot user's email and an API token. */
export interface JiraCredentials {
  email: string;
  apiToken: string;
}

export interface JiraRestOptions {
  baseUrl: string;
  credentials: () => Promise<JiraCredentials>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  maxRetryDelayMs?: number;
}

const issuePath = (key: string, suffix = '') => `/rest/api/3/issue/${encodeURIComponent(key)}${suffix}`;

/**
 * {@link JiraPort} over Jira Cloud REST v3 with basic auth. A hand-written fetch
 * client: jira.js costs ~160 ms of cold start and v6 needs Node 22 (see README).
 */
export class JiraRestClient implements JiraPort {
  private readonly http: JsonHttpClient;

  constructor(options: JiraRestOptions) {
    this.http = new JsonHttpClient({
      service: 'jira',
      baseUrl: options.baseUrl,
      logger: options.logger,
      sleep: options.sleep,
      maxRetryDelayMs: options.maxRetryDelayMs,
      headers: async () => {
        const { email, apiToken } = await options.credentials();
        return { authorization: `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}` };
      },
    });
  }

  async getIssue(key: string): Promise<JiraIssue> {
    const { data } = await this.http.get<JiraIssue>(issuePath(key), { fields: '*all', expand: 'names' });
    return data;
  }

  async latestComments(key: string, max: number) {
    const { data } = await this.http.get<{ total: number; comments: JiraComment[] }>(
      issuePath(key, '/comment'),
      {
        orderBy: '-created',
        maxResults: Math.max(1, max),
        startAt: 0,
      },
    );
    return { total: data.total, comments: max === 0 ? [] : data.comments };
  }

  async addComment(key: string, body: AdfNode): Promise<JiraComment> {
    const { data } = await this.http.post<JiraComment>(issuePath(key, '/comment'), { body });
    return data;
  }

  async transitions(key: string): Promise<JiraTransition[]> {
    const { data } = await this.http.get<{ transitions: JiraTransition[] }>(issuePath(key, '/transitions'));
    return data.transitions;
  }

  async transition(key: string, transitionId: string): Promise<void> {
    await this.http.post(issuePath(key, '/transitions'), { transition: { id: transitionId } });
  }
}
