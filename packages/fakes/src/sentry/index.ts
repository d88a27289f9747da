import { FakeHttpError, type RecordedRequest, Router, startHttpServer } from '../github/http';

/** A Sentry issue (group) as the REST API returns it; extra fields pass through. */
export interface FakeSentryIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  status: 'unresolved' | 'resolved' | 'ignored';
  project: string;
  count: string;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  metadata: Record<string, unknown>;
  [key: string]: unknown;
}

/** A stored event; `entries` follow the real event JSON (`type: "exception"`, …). */
export interface FakeSentryEvent {
  eventID: string;
  id: string;
  title: string;
  message?: string;
  platform: string;
  dateCreated: string;
  entries: { type: string; data: unknown }[];
  tags: { key: string; value: string }[];
  release?: { version: string } | null;
  [key: string]: unknown;
}

export interface SentryFake {
  url: string;
  org: string;
  projects: Map<string, { id: string; slug: string; name: string }>;
  issues: FakeSentryIssue[];
  /** Issue id → events, oldest first (`latest` is the last). */
  events: Map<string, FakeSentryEvent[]>;
  requests: RecordedRequest[];
  /** Largest page the issues list returns, whatever `limit` asks (Sentry: 100). */
  maxPageSize: number;
  seedIssue(
    input: Partial<FakeSentryIssue> & { project: string; title: string },
    events?: Partial<FakeSentryEvent>[],
  ): FakeSentryIssue;
  /** The next `count` requests get 429 with `Retry-After`. */
  throttle(count: number, retryAfter?: number): void;
  close(): Promise<void>;
}

export interface SentryFakeOptions {
  org?: string;
  authToken?: string;
}

const sentryError = (status: number, detail: string) => new FakeHttpError(status, { detail });

/**
 * Starts an in-process fake of the Sentry REST API (`/api/0/…`) subset the
 * agents use: a project's issues (cursor pagination in the Link header, as
 * Sentry sends it), issue details and an issue's latest event. Bearer token
 * checked; errors use Sentry's `{detail}` body.
 */
export const startSentryFake = async (options: SentryFakeOptions = {}): Promise<SentryFake> => {
  const org = options.org ?? 'acme';
  const authToken = options.authToken ?? 'sentry-token';
  const projects = new Map<string, { id: string; slug: string; name: string }>();
  const issues: FakeSentryIssue[] = [];
  const events = new Map<string, FakeSentryEvent[]>();
  const requests: RecordedRequest[] = [];
  const faults: { remaining: number; retryAfter: number }[] = [];
  let nextId = 4_000_000;
  let baseUrl = '';

  const orgOr404 = (slug: string) => {
    if (slug !== org) throw sentryError(404, 'The requested resource does not exist');
  };
  const issueOr404 = (id: string): FakeSentryIssue => {
    const issue = issues.find((i) => i.id === id || i.shortId.toLowerCase() === id.toLowerCase());
    if (issue === undefined) throw sentryError(404, 'The requested resource does not exist');
    return issue;
  };
  const issueJson = (issue: FakeSentryIssue) => {
    const project = projects.get(issue.project);
    return {
      ...issue,
      permalink: `https://${org}.sentry.io/issues/${issue.id}/`,
      project: { id: project?.id, slug: issue.project, name: project?.name },
    };
  };

  const routes = new Router()
    .on('GET', '/api/0/projects/:org/:project/issues', (req) => {
      orgOr404(req.params.org as string);
      if (!projects.has(req.params.project as string))
        throw sentryError(404, 'The requested resource does not exist');
      const query = req.query.query ?? 'is:unresolved';
      const statusFilter = /is:(unresolved|resolved|ignored)/.exec(query)?.[1];
      const text = query
        .replace(/is:\w+/g, '')
        .trim()
        .toLowerCase();
      const matching = issues
        .filter((i) => i.project === req.params.project)
        .filter((i) => statusFilter === undefined || i.status === statusFilter)
        .filter(
          (i) =>
            text === '' || i.title.toLowerCase().includes(text) || i.culprit.toLowerCase().includes(text),
        )
        .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : -1));
      const limit = Math.min(Math.max(1, Number(req.query.limit ?? 100) || 100), api.maxPageSize);
      const offset = Number((req.query.cursor ?? '0:0:0').split(':')[1] ?? 0) || 0;
      const page = matching.slice(offset, offset + limit);
      const self = `${baseUrl}${req.path}`;
      const cursorLink = (o: number, rel: string, results: boolean) =>
        `<${self}?${new URLSearchParams({ ...req.query, cursor: `0:${o}:${rel === 'previous' ? 1 : 0}` })}>; rel="${rel}"; results="${results}"; cursor="0:${o}:${rel === 'previous' ? 1 : 0}"`;
      const link = [
        cursorLink(Math.max(0, offset - limit), 'previous', offset > 0),
        cursorLink(offset + limit, 'next', offset + limit < matching.length),
      ].join(', ');
      return { status: 200, body: page.map(issueJson), headers: { link, 'x-hits': String(matching.length) } };
    })
    .on('GET', '/api/0/organizations/:org/issues/:id', (req) => {
      orgOr404(req.params.org as string);
      return { status: 200, body: issueJson(issueOr404(req.params.id as string)) };
    })
    .on('GET', '/api/0/organizations/:org/issues/:id/events/:which', (req) => {
      orgOr404(req.params.org as string);
      const issue = issueOr404(req.params.id as string);
      const list = events.get(issue.id) ?? [];
      const which = req.params.which as string;
      const event =
        which === 'latest' || which === 'recommended'
          ? list[list.length - 1]
          : which === 'oldest'
            ? list[0]
            : list.find((e) => e.eventID === which);
      if (event === undefined) throw sentryError(404, 'Event not found');
      return { status: 200, body: { ...event, groupID: issue.id } };
    });

  const server = await startHttpServer(async (req) => {
    requests.push(req);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      req.status = status;
      return {
        status,
        body,
        headers: { 'x-sentry-rate-limit-limit': '40', 'x-sentry-rate-limit-remaining': '39', ...headers },
      };
    };
    const fault = faults[0];
    if (fault !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) faults.shift();
      return answer(
        429,
        {
          detail: 'You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds',
        },
        { 'retry-after': String(fault.retryAfter), 'x-sentry-rate-limit-remaining': '0' },
      );
    }
    if (req.headers.authorization !== `Bearer ${authToken}`) {
      return answer(401, { detail: 'Invalid token' });
    }
    const match = routes.match(req.method, req.path);
    if (match === undefined) return answer(404, { detail: 'The requested resource does not exist' });
    try {
      const res = await match.handler({ ...req, params: match.params });
      return answer(res.status, res.body, res.headers);
    } catch (error) {
      if (error instanceof FakeHttpError) return answer(error.status, error.body, error.headers);
      throw error;
    }
  });
  baseUrl = server.url;

  const api: SentryFake = {
    url: server.url,
    maxPageSize: 100,
    org,
    projects,
    issues,
    events,
    requests,
    seedIssue(input, issueEvents = []) {
      if (!projects.has(input.project)) {
        nextId += 1;
        projects.set(input.project, { id: String(nextId), slug: input.project, name: input.project });
      }
      nextId += 1;
      const issue: FakeSentryIssue = {
        id: String(nextId),
        shortId: `${input.project.toUpperCase()}-${issues.length + 1}`,
        culprit: '',
        level: 'error',
        status: 'unresolved',
        count: '1',
        userCount: 1,
        firstSeen: '2024-01-01T00:00:00Z',
        lastSeen: new Date(Date.parse('2024-01-02T00:00:00Z') + issues.length * 60_000).toISOString(),
        metadata: {},
        ...input,
      };
      issues.push(issue);
      events.set(
        issue.id,
        issueEvents.map((e, i) => ({
          eventID: `${issue.id}${i}`.padStart(32, '0'),
          id: `${issue.id}${i}`.padStart(32, '0'),
          title: issue.title,
          platform: 'node',
          dateCreated: issue.lastSeen,
          entries: [],
          tags: [],
          release: null,
          ...e,
        })),
      );
      return issue;
    },
    throttle(count, retryAfter = 1) {
      faults.push({ remaining: count, retryAfter });
    },
    close: server.close,
  };
  return api;
};
