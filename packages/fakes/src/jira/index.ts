import { randomUUID } from 'node:crypto';
import { FakeHttpError, type RecordedRequest, Router, startHttpServer } from '../github/http';
import { sha256Signature, type WebhookDelivery, WebhookSender, type WebhookSinkOptions } from '../webhooks';

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
  /** Who created it (`reporter` / `creator`); the bot for seeded issues. */
  reporter?: JiraFakeUser;
  created?: string;
  updated?: string;
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
  /** Webhooks sent so far (empty without the `webhooks` option). */
  readonly deliveries: readonly WebhookDelivery[];
  /** Resolves when no webhook is in flight. */
  idle(): Promise<void>;
  seedIssue(input: SeedIssueInput): FakeJiraIssue;
  /** The next `count` requests get 429 with `Retry-After: retryAfter` seconds. */
  throttle(count: number, retryAfter?: number): void;
  /** The next `count` requests (of `method`, when given) get `status` (default 503, a transient outage). */
  failNext(count: number, status?: number, method?: string): void;
  close(): Promise<void>;
}

/** A person who can call the API with basic auth (email + API token). */
export interface JiraFakeUser {
  email: string;
  apiToken: string;
  accountId: string;
  displayName: string;
}

export interface JiraFakeOptions {
  /** The bot's credentials (its comments are by "Agent Bot"). */
  email?: string;
  apiToken?: string;
  /** More accounts accepted by basic auth: issues they create are reported by them. */
  users?: JiraFakeUser[];
  /**
   * Send the admin webhooks Jira Cloud would send, signed with the secret
   * (`X-Hub-Signature: sha256=…`): `jira:issue_created` for POST /rest/api/3/issue and
   * `jira:issue_updated` for edits, transitions and comments (`issue_event_type_name`
   * tells them apart). Without it the fake sends nothing.
   */
  webhooks?: WebhookSinkOptions;
}

/** Plain text of an ADF document (webhooks carry the REST v2 text representation). */
export const adfText = (node: AdfNode | null | undefined): string => {
  if (node === null || node === undefined) return '';
  if (node.type === 'text') return node.text ?? '';
  const inner = (node.content ?? []).map(adfText);
  const block = ['paragraph', 'heading', 'codeBlock', 'listItem', 'blockquote'].includes(node.type);
  return block ? `${inner.join('')}\n` : inner.join('');
};

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
  const basic = (user: string, token: string) =>
    `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
  const bot: JiraFakeUser = { email, apiToken, accountId: 'bot', displayName: 'Agent Bot' };
  const accounts = new Map<string, JiraFakeUser>(
    [bot, ...(options.users ?? [])].map((user) => [basic(user.email, user.apiToken), user]),
  );
  const webhooks = options.webhooks === undefined ? undefined : new WebhookSender(options.webhooks);
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

  const userJson = (user: JiraFakeUser) => ({
    self: `${baseUrl}/rest/api/2/user?accountId=${user.accountId}`,
    accountId: user.accountId,
    avatarUrls: { '48x48': `https://avatar.example/${user.accountId}.png` },
    displayName: user.displayName,
    active: true,
    timeZone: 'Etc/UTC',
    accountType: user === bot ? 'app' : 'atlassian',
  });
  /** The issue as webhooks carry it (REST v2 style: the description is text). */
  const webhookIssueJson = (issue: FakeJiraIssue) => {
    const project = String(
      (issue.fields.project as { key?: string } | undefined)?.key ?? issue.key.split('-')[0],
    );
    const description = issue.fields.description as AdfNode | string | null | undefined;
    return {
      id: issue.id,
      self: `${baseUrl}/rest/api/2/issue/${issue.id}`,
      key: issue.key,
      fields: {
        ...issue.fields,
        description: typeof description === 'string' ? description : adfText(description).trim() || null,
        project: {
          self: `${baseUrl}/rest/api/2/project/${project}`,
          id: String(10_000 + project.length),
          key: project,
          name: project,
          projectTypeKey: 'software',
          simplified: false,
        },
        status: statusJson(issue.status),
        priority: { self: `${baseUrl}/rest/api/2/priority/3`, name: 'Medium', id: '3' },
        assignee: issue.fields.assignee ?? null,
        reporter: userJson(issue.reporter ?? bot),
        creator: userJson(issue.reporter ?? bot),
        created: issue.created ?? new Date().toISOString(),
        updated: issue.updated ?? issue.created ?? new Date().toISOString(),
      },
    };
  };
  const sendWebhook = (
    webhookEvent: string,
    issueEventTypeName: string,
    user: JiraFakeUser,
    issue: FakeJiraIssue,
    extra: Record<string, unknown> = {},
  ): void => {
    if (webhooks === undefined) return;
    const body = JSON.stringify({
      timestamp: Date.now(),
      webhookEvent,
      issue_event_type_name: issueEventTypeName,
      user: userJson(user),
      issue: webhookIssueJson(issue),
      ...extra,
      matchedWebhookIds: [1],
    });
    const id = randomUUID();
    webhooks.send({
      id,
      event: webhookEvent,
      body,
      headers: {
        'user-agent': 'Atlassian Webhook HTTP Client',
        'x-atlassian-webhook-identifier': id,
        'x-atlassian-webhook-flow': 'Primary',
        'x-hub-signature': sha256Signature(webhooks.secret(), body),
      },
    });
  };
  const nextChangelogId = (): string => {
    nextId += 1;
    return String(nextId);
  };
  const callerOf = (req: RecordedRequest): JiraFakeUser =>
    accounts.get(req.headers.authorization ?? '') ?? bot;
  const nextIssueNumber = (project: string): number =>
    Math.max(
      0,
      ...[...issues.keys()]
        .filter((key) => key.startsWith(`${project}-`))
        .map((key) => Number(key.slice(project.length + 1)) || 0),
    ) + 1;
  const labelsOf = (issue: FakeJiraIssue): string[] =>
    Array.isArray(issue.fields.labels) ? (issue.fields.labels as string[]) : [];

  const routes = new Router()
    .on('POST', '/rest/api/3/issue', (req) => {
      const fields = ((req.body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {}) as Record<
        string,
        unknown
      >;
      const errors: Record<string, string> = {};
      const project = (fields.project as { key?: unknown } | undefined)?.key;
      if (typeof project !== 'string' || !/^[A-Z][A-Z0-9_]{0,31}$/.test(project))
        errors.project = 'Specify a valid project ID or key';
      if (typeof fields.summary !== 'string' || fields.summary.trim() === '')
        errors.summary = 'You must specify a summary of the issue.';
      const issueType = (fields.issuetype as { name?: unknown } | undefined)?.name;
      if (typeof issueType !== 'string' || issueType === '') errors.issuetype = 'Specify an issue type';
      if (fields.description !== undefined && fields.description !== null && !isAdfDoc(fields.description))
        errors.description =
          'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      if (
        fields.labels !== undefined &&
        (!Array.isArray(fields.labels) || fields.labels.some((l) => typeof l !== 'string' || /\s/.test(l)))
      )
        errors.labels = 'Labels must be strings without spaces';
      if (Object.keys(errors).length > 0) throw jiraError(400, [], errors);
      const key = `${project}-${nextIssueNumber(project as string)}`;
      const { project: _p, issuetype: _t, summary, description, labels, ...custom } = fields;
      const issue = api.seedIssue({
        key,
        summary: summary as string,
        description: (description as AdfNode | undefined) ?? null,
        labels: (labels as string[] | undefined) ?? [],
        issueType: issueType as string,
        fields: custom,
      });
      issue.reporter = callerOf(req);
      sendWebhook('jira:issue_created', 'issue_created', issue.reporter, issue);
      return {
        status: 201,
        body: { id: issue.id, key: issue.key, self: `${baseUrl}/rest/api/3/issue/${issue.id}` },
      };
    })
    .on('PUT', '/rest/api/3/issue/:key', (req) => {
      const issue = issueOr404(req.params.key as string);
      const body = (req.body ?? {}) as {
        fields?: Record<string, unknown>;
        update?: Record<string, { add?: unknown; remove?: unknown; set?: unknown }[]>;
      };
      const items: Record<string, unknown>[] = [];
      const change = (field: string, from: unknown, to: unknown) => {
        const text = (value: unknown) =>
          Array.isArray(value)
            ? value.join(' ')
            : typeof value === 'object' && value !== null
              ? adfText(value as AdfNode).trim()
              : (value ?? null);
        items.push({
          field,
          fieldtype: 'jira',
          fieldId: field,
          from: null,
          fromString: text(from),
          to: null,
          toString: text(to),
        });
      };
      for (const [field, value] of Object.entries(body.fields ?? {})) {
        if (field === 'description' && value !== null && !isAdfDoc(value))
          throw jiraError(400, [], {
            description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
          });
        if (field === 'labels' && (!Array.isArray(value) || value.some((l) => typeof l !== 'string')))
          throw jiraError(400, [], { labels: 'Labels must be strings without spaces' });
        change(field, issue.fields[field], value);
        issue.fields[field] = value;
      }
      for (const operation of body.update?.labels ?? []) {
        const before = labelsOf(issue);
        let after = before;
        if (typeof operation.add === 'string' && !before.includes(operation.add))
          after = [...before, operation.add];
        if (typeof operation.remove === 'string') after = after.filter((l) => l !== operation.remove);
        if (Array.isArray(operation.set))
          after = operation.set.filter((l): l is string => typeof l === 'string');
        if (after !== before) {
          change('labels', before, after);
          issue.fields.labels = after;
        }
      }
      if (items.length > 0) {
        issue.updated = new Date().toISOString();
        sendWebhook('jira:issue_updated', 'issue_updated', callerOf(req), issue, {
          changelog: { id: nextChangelogId(), items },
        });
      }
      return { status: 204 };
    })
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
      const caller = callerOf(req);
      const comment: FakeJiraComment = {
        id: String(nextId),
        author: { accountId: caller.accountId, displayName: caller.displayName },
        body,
        created: new Date().toISOString(),
      };
      issue.comments.push(comment);
      sendWebhook('jira:issue_updated', 'issue_commented', caller, issue, {
        comment: { ...commentJson(issue, comment), body: adfText(body).trim() },
      });
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
      const from = issue.status;
      issue.status = target.name;
      sendWebhook('jira:issue_updated', 'issue_generic', callerOf(req), issue, {
        changelog: {
          id: nextChangelogId(),
          items: [
            {
              field: 'status',
              fieldtype: 'jira',
              fieldId: 'status',
              from: null,
              fromString: from,
              to: target.id,
              toString: target.name,
            },
          ],
        },
      });
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
    if (!accounts.has(req.headers.authorization ?? '')) {
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

  const api: JiraFake = {
    url: server.url,
    issues,
    fieldNames,
    statuses,
    requests,
    deliveries: webhooks?.deliveries ?? [],
    idle: async () => {
      await webhooks?.idle();
    },
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
    close: async () => {
      await webhooks?.idle();
      await server.close();
    },
  };
  return api;
};
