import { FakeHttpError, type RecordedRequest, Router, startHttpServer } from '../github/http';

/** An Atlassian Document Format node (what Jira Cloud v3 stores for rich text). */
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  content?: AdfNode[];
  version?: number;
}

export interface FakeJiraComment {
  id: string;
  author: { accountId: string; displayName: string };
  body: AdfNode;
  created: string;
}

export interface FakeJiraIssue {
  id: string;
  key: string;
  /** Status name; must be one of the fake's `statuses`. */
  status: string;
  fields: Record<string, unknown>;
  comments: FakeJiraComment[];
}

/** Input of {@link JiraFake.seedIssue}: `fields` may hold custom fields (`customfield_10042`). */
export interface SeedIssueInput {
  key: string;
  summary: string;
  description?: AdfNode | null;
  labels?: string[];
  status?: string;
  issueType?: string;
  fields?: Record<string, unknown>;
  comments?: { author?: string; body: AdfNode }[];
}

export interface JiraFake {
  url: string;
  issues: Map<string, FakeJiraIssue>;
  /** Custom field id → display name (answered with `expand=names`). */
  fieldNames: Record<string, string>;
  /** Workflow statuses; every status can transition to every other (transition id = status id). */
  statuses: { id: string; name: string; category: 'new' | 'indeterminate' | 'done' }[];
  requests: RecordedRequest[];
  seedIssue(input: SeedIssueInput): FakeJiraIssue;
  /** The next `count` requests get 429 with `Retry-After: retryAfter` seconds. */
  throttle(count: number, retryAfter?: number): void;
  /** The next `count` requests (of `method`, when given) get `status` (default 503, a transient outage). */
  failNext(count: number, status?: number, method?: string): void;
  close(): Promise<void>;
}

export interface JiraFakeOptions {
  email?: string;
  apiToken?: string;
}

const jiraError = (status: number, messages: string[], errors: Record<string, string> = {}) =>
  new FakeHttpError(status, { errorMessages: messages, errors });

const isAdfDoc = (body: unknown): body is AdfNode => {
  const doc = body as AdfNode | undefined;
  const valid = (node: AdfNode): boolean =>
    typeof node === 'object' &&
    node !== null &&
    typeof node.type === 'string' &&
    (node.type !== 'text' || typeof node.text === 'string') &&
    (node.content === undefined || (Array.isArray(node.content) && node.content.every(valid)));
  return (
    typeof doc === 'object' &&
    doc !== null &&
    doc.type === 'doc' &&
    doc.version === 1 &&
    Array.isArray(doc.content) &&
    valid(doc)
  );
};

/**
 * Starts an in-process fake of the Jira Cloud REST API v3 subset the agents use:
 * issues (with `fields` / `expand=names`), comments (ADF, paginated with
 * startAt/maxResults/total) and transitions. Basic auth (email + API token) is
 * checked; errors use Jira's `{errorMessages, errors}` body.
 */
export const startJiraFake = async (options: JiraFakeOptions = {}): Promise<JiraFake> => {
  const email = options.email ?? 'bot@example.com';
  const apiToken = options.apiToken ?? 'jira-token';
  const expectedAuth = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
  const issues = new Map<string, FakeJiraIssue>();
  const fieldNames: Record<string, string> = {};
  const statuses: JiraFake['statuses'] = [
    { id: '11', name: 'To Do', category: 'new' },
    { id: '21', name: 'In Progress', category: 'indeterminate' },
    { id: '31', name: 'In Review', category: 'indeterminate' },
    { id: '41', name: 'Done', category: 'done' },
  ];
  const requests: RecordedRequest[] = [];
  const faults: { remaining: number; status: number; headers: Record<string, string>; method?: string }[] =
    [];
  let nextId = 10_000;
  let baseUrl = '';

  const issueOr404 = (key: string): FakeJiraIssue => {
    const issue = issues.get(key.toUpperCase());
    if (issue === undefined)
      throw jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    return issue;
  };
  const statusJson = (name: string) => {
    const s = statuses.find((x) => x.name === name) ?? statuses[0];
    return {
      id: s?.id,
      name: s?.name,
      statusCategory: {
        key: s?.category,
        name: s?.category === 'done' ? 'Done' : s?.category === 'new' ? 'To Do' : 'In Progress',
      },
    };
  };
  const commentJson = (issue: FakeJiraIssue, c: FakeJiraComment) => ({
    self: `${baseUrl}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: c.author,
    body: c.body,
    created: c.created,
    updated: c.created,
  });
  const pageOf = <T>(items: T[], query: Record<string, string>) => {
    const startAt = Math.max(0, Number(query.startAt ?? 0) || 0);
    const maxResults = Math.min(Math.max(1, Number(query.maxResults ?? 50) || 50), 100);
    return { startAt, maxResults, total: items.length, page: items.slice(startAt, startAt + maxResults) };
  };

  const routes = new Router()
    .on('GET', '/rest/api/3/issue/:key', (req) => {
      const issue = issueOr404(req.params.key as string);
      const all: Record<string, unknown> = {
        ...issue.fields,
        status: statusJson(issue.status),
        comment: {
          ...pageOf(issue.comments, {}),
          comments: issue.comments.map((c) => commentJson(issue, c)),
        },
      };
      const wanted = (req.query.fields ?? '*all').split(',').map((f) => f.trim());
      const fields =
        wanted.includes('*all') || wanted.includes('*navigable')
          ? all
          : Object.fromEntries(Object.entries(all).filter(([k]) => wanted.includes(k)));
      const expand = (req.query.expand ?? '').split(',');
      return {
        status: 200,
        body: {
          expand: 'renderedFields,names,schema,transitions,operations,changelog',
          id: issue.id,
          self: `${baseUrl}/rest/api/3/issue/${issue.id}`,
          key: issue.key,
          fields,
          ...(expand.includes('names')
            ? {
                names: {
                  summary: 'Summary',
                  description: 'Description',
                  labels: 'Labels',
                  status: 'Status',
                  comment: 'Comment',
                  ...fieldNames,
                },
              }
            : {}),
        },
      };
    })
    .on('GET', '/rest/api/3/issue/:key/comment', (req) => {
      const issue = issueOr404(req.params.key as string);
      const ordered = req.query.orderBy === '-created' ? [...issue.comments].reverse() : issue.comments;
      const { page, ...meta } = pageOf(ordered, req.query);
      return { status: 200, body: { ...meta, comments: page.map((c) => commentJson(issue, c)) } };
    })
    .on('POST', '/rest/api/3/issue/:key/comment', (req) => {
      const issue = issueOr404(req.params.key as string);
      const body = (req.body as { body?: unknown } | undefined)?.body;
      if (!isAdfDoc(body)) throw jiraError(400, [], { comment: 'Comment body is not valid!' });
      nextId += 1;
      const comment: FakeJiraComment = {
        id: String(nextId),
        author: { accountId: 'bot', displayName: 'Agent Bot' },
        body,
        created: new Date().toISOString(),
      };
      issue.comments.push(comment);
      return { status: 201, body: commentJson(issue, comment) };
    })
    .on('GET', '/rest/api/3/issue/:key/transitions', (req) => {
      const issue = issueOr404(req.params.key as string);
      return {
        status: 200,
        body: {
          expand: 'transitions',
          transitions: statuses
            .filter((s) => s.name !== issue.status)
            .map((s) => ({
              id: s.id,
              name: `Move to ${s.name}`,
              to: statusJson(s.name),
              hasScreen: false,
              isAvailable: true,
            })),
        },
      };
    })
    .on('POST', '/rest/api/3/issue/:key/transitions', (req) => {
      const issue = issueOr404(req.params.key as string);
      const id = (req.body as { transition?: { id?: unknown } } | undefined)?.transition?.id;
      const target = statuses.find((s) => s.id === String(id) && s.name !== issue.status);
      if (target === undefined)
        throw jiraError(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
      issue.status = target.name;
      return { status: 204 };
    });

  const server = await startHttpServer(async (req) => {
    requests.push(req);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      req.status = status;
      return { status, body, headers };
    };
    const fault = faults.find((f) => f.method === undefined || f.method === req.method);
    if (fault !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) faults.splice(faults.indexOf(fault), 1);
      return answer(
        fault.status,
        fault.status === 429
          ? { errorMessages: ['Rate limit exceeded.'], errors: {} }
          : 'Service Unavailable',
        fault.headers,
      );
    }
    if (req.headers.authorization !== expectedAuth) {
      return answer(401, 'Client must be authenticated to access this resource.', {
        'www-authenticate': 'Basic realm="protected-area"',
      });
    }
    const match = routes.match(req.method, req.path);
    if (match === undefined) return answer(404, { errorMessages: [`null for uri: ${req.path}`], errors: {} });
    try {
      const res = await match.handler({ ...req, params: match.params });
      return answer(res.status, res.body, res.headers);
    } catch (error) {
      if (error instanceof FakeHttpError) return answer(error.status, error.body, error.headers);
      throw error;
    }
  });
  baseUrl = server.url;

  return {
    url: server.url,
    issues,
    fieldNames,
    statuses,
    requests,
    seedIssue(input) {
      nextId += 1;
      const issue: FakeJiraIssue = {
        id: String(nextId),
        key: input.key.toUpperCase(),
        status: input.status ?? 'To Do',
        fields: {
          summary: input.summary,
          description: input.description ?? null,
          labels: input.labels ?? [],
          issuetype: { name: input.issueType ?? 'Story' },
          project: { key: input.key.split('-')[0] },
          ...input.fields,
        },
        comments: (input.comments ?? []).map((c, i) => ({
          id: String(nextId * 10 + i),
          author: { accountId: c.author ?? 'user-1', displayName: c.author ?? 'Jane Doe' },
          body: c.body,
          created: new Date(Date.parse('2024-01-01T00:00:00Z') + i * 60_000).toISOString(),
        })),
      };
      issues.set(issue.key, issue);
      return issue;
    },
    throttle(count, retryAfter = 1) {
      faults.push({
        remaining: count,
        status: 429,
        headers: {
          'retry-after': String(retryAfter),
          'x-ratelimit-limit': '100',
          'x-ratelimit-remaining': '0',
          'ratelimit-reason': 'jira-quota-tenant-based',
        },
      });
    },
    failNext(count, status = 503, method) {
      faults.push({ remaining: count, status, headers: {}, ...(method === undefined ? {} : { method }) });
    },
    close: server.close,
  };
};
