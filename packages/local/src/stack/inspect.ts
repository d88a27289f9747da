import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef, TaskRepository, TimelineRepository } from '@enterprise-agents/core/db';
import { type Task, TaskSource } from '@enterprise-agents/core/domain';
import { type HttpEvent, type HttpResult, jsonResponse, rawBody } from '@enterprise-agents/core/http';
import { adfToText } from '@enterprise-agents/core/jira';
import type { FlatFile } from '@enterprise-agents/fakes/github';
import type { WebhookDelivery } from '@enterprise-agents/fakes/webhooks';
import { SANDBOX_PEOPLE, type VendorSelection } from './config';
import type { Sandboxes } from './sandboxes';

/**
 * Whether a request comes straight from this machine: a loopback peer and no
 * proxy header. A tunnel (cloudflared, ngrok) connects from loopback too, but
 * adds forwarding headers, so what it relays is not local.
 */
export const isLocalRequest = (event: HttpEvent): boolean => {
  const ip = event.requestContext.http.sourceIp ?? '';
  const loopback = ip === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(ip);
  const headers = Object.keys(event.headers ?? {}).map((name) => name.toLowerCase());
  const proxied = headers.some((name) =>
    [
      'x-forwarded-for',
      'forwarded',
      'x-real-ip',
      'cf-connecting-ip',
      'true-client-ip',
      'x-forwarded-host',
    ].includes(name),
  );
  return loopback && !proxied;
};

/** One row of `GET /local/tasks`. */
export interface TaskSummary {
  id: string;
  source: string;
  externalKey: string;
  title: string;
  status: string;
  statusReason: string | undefined;
  repo: string | null;
  prNumber: number | null;
  headSha: string | null;
  attempts: number;
  costUsd: number;
  createdAt: string;
  updatedAt: string;
}

export const summarize = (task: Task): TaskSummary => ({
  id: task.taskId,
  source: task.source,
  externalKey: task.externalKey,
  title: task.title,
  status: task.status,
  statusReason: task.statusReason,
  repo: task.repo ?? null,
  prNumber: task.prNumber ?? null,
  headSha: task.headSha ?? null,
  attempts: task.attempts,
  costUsd: Number(task.costUsd ?? 0),
  createdAt: task.createdAt,
  updatedAt: task.updatedAt,
});

/** Every task of the table, newest first (a scan: fine for one developer's database). */
export const listAllTasks = async (table: TableRef): Promise<Task[]> => {
  const tasks: Task[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'sk = :meta AND begins_with(pk, :task)',
        ExpressionAttributeValues: { ':meta': 'META', ':task': 'TASK#' },
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...task } = item;
      tasks.push(task as unknown as Task);
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return tasks.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
};

const deliveriesJson = (deliveries: readonly WebhookDelivery[]) =>
  deliveries.map((d) => ({
    id: d.id,
    event: d.event,
    ...(d.action === undefined ? {} : { action: d.action }),
    at: d.at,
    status: d.status ?? null,
    ...(d.error === undefined ? {} : { error: d.error }),
    response: d.response ?? null,
  }));

/** What the GitHub sandbox holds: per repository its branches, commits and changed files; PRs, comments, reviews. */
export const githubView = (github: Sandboxes['github']) => {
  const { state } = github;
  const filesOf = (treeSha: string | undefined): Map<string, FlatFile> =>
    treeSha === undefined ? new Map() : state.git.flatten(treeSha);
  const treeOf = (sha: string | undefined): string | undefined => {
    const commit = sha === undefined ? undefined : state.git.get(sha);
    return commit?.type === 'commit' ? commit.tree : undefined;
  };
  const text = (sha: string): string => {
    const blob = state.git.get(sha);
    return blob?.type === 'blob' ? blob.content.toString('utf8') : '';
  };
  const commitJson = (sha: string) => {
    const commit = state.git.get(sha);
    if (commit?.type !== 'commit') return { sha };
    const before = filesOf(treeOf(commit.parents[0]));
    const after = filesOf(commit.tree);
    const changes = [
      ...[...after]
        .filter(([p, f]) => before.get(p)?.sha !== f.sha)
        .map(([path]) => ({
          path,
          status: before.has(path) ? 'modified' : 'added',
        })),
      ...[...before.keys()].filter((p) => !after.has(p)).map((path) => ({ path, status: 'removed' })),
    ];
    return { sha, message: commit.message, author: commit.author.name, parents: commit.parents, changes };
  };
  return {
    repos: [...state.repos.values()].map((repo) => {
      const fullName = `${repo.owner}/${repo.name}`;
      const defaultHead = repo.refs.get(`heads/${repo.defaultBranch}`);
      const defaultHistory = new Set(
        defaultHead === undefined ? [] : state.history(fullName, repo.defaultBranch),
      );
      const baseFiles = filesOf(treeOf(defaultHead));
      return {
        fullName,
        defaultBranch: repo.defaultBranch,
        branches: [...repo.refs]
          .filter(([ref]) => ref.startsWith('heads/'))
          .map(([ref, head]) => {
            const name = ref.slice('heads/'.length);
            const isDefault = name === repo.defaultBranch;
            const history = state.history(fullName, name);
            const own = isDefault ? history : history.filter((sha) => !defaultHistory.has(sha));
            const files = filesOf(treeOf(head));
            return {
              name,
              head,
              commits: own.map(commitJson),
              // What the branch changes against the default branch, with the new contents.
              files: isDefault
                ? [...files.keys()]
                : Object.fromEntries(
                    [...files]
                      .filter(([p, f]) => baseFiles.get(p)?.sha !== f.sha)
                      .map(([p, f]) => [p, text(f.sha)]),
                  ),
            };
          }),
      };
    }),
    pulls: state.pulls.map((p) => ({
      repo: p.repo,
      number: p.number,
      title: p.title,
      body: p.body,
      head: p.head,
      base: p.base,
      draft: p.draft,
      state: p.state,
      merged: p.merged,
      user: p.user,
      createdAt: p.createdAt,
    })),
    comments: state.comments.map((c) => ({
      id: c.id,
      repo: c.repo,
      issueNumber: c.issueNumber,
      user: c.user,
      body: c.body,
      createdAt: c.createdAt,
    })),
    reviews: state.reviews.map((r) => ({
      ...r,
      comments: state.reviewComments.filter((c) => c.reviewId === r.id),
    })),
    workflowRuns: state.runs.map((r) => ({
      id: r.id,
      repo: r.repo,
      headSha: r.headSha,
      conclusion: r.conclusion,
    })),
    webhooks: deliveriesJson(github.deliveries),
  };
};

export const jiraView = (jira: Sandboxes['jira']) => ({
  issues: [...jira.issues.values()].map((issue) => ({
    key: issue.key,
    id: issue.id,
    status: issue.status,
    summary: issue.fields.summary,
    labels: issue.fields.labels,
    description: adfToText(issue.fields.description) || null,
    comments: issue.comments.map((c) => ({
      id: c.id,
      author: c.author.displayName,
      text: adfToText(c.body),
      body: c.body,
      created: c.created,
    })),
  })),
  webhooks: deliveriesJson(jira.deliveries),
});

export const slackView = (slack: Sandboxes['slack']) => ({
  messages: slack.messages().map((m) => ({
    channel: m.channel,
    ts: m.ts,
    threadTs: m.threadTs ?? null,
    text: m.text,
    blocks: m.blocks ?? [],
    edited: m.edited,
  })),
  ephemerals: slack
    .ephemerals()
    .map((m) => ({ channel: m.channel, ts: m.ts, to: m.ephemeralTo, text: m.text })),
  responses: slack.responses(),
  views: slack.views,
});

export const sentryView = (sentry: Sandboxes['sentry']) => ({
  org: sentry.org,
  issues: sentry.issues,
  requests: sentry.requests.map((r) => ({ method: r.method, path: r.path, status: r.status })),
});

/** The Slack actions the inspection API can take as the sandbox approver. */
export interface SlackControl {
  approve(key: string): Promise<{ status: number; body: unknown }>;
  reject(key: string, reason: string): Promise<{ status: number; body: unknown }>;
  command(text: string): Promise<{ status: number; body: unknown }>;
}

export interface InspectionDeps {
  table: TableRef;
  tasks: TaskRepository;
  timeline: TimelineRepository;
  sandboxes: Sandboxes;
  vendors: VendorSelection;
  slackControl: SlackControl;
  /** RUNNING, SUCCEEDED, FAILED or ABORTED: the state machine execution of a task's current run. */
  executionStatus: (executionArn: string) => string | undefined;
}

const SOURCES = Object.values(TaskSource);

/**
 * `GET /local/tasks`, `GET /local/tasks/<id or external key>`, `GET /local/sandbox/<service>`
 * and the sandbox approver's `POST /local/slack/{approve,reject}/<KEY>` and
 * `POST /local/slack/command` (body: the `/agent` text): for this machine only (403 otherwise).
 */
export const createInspection = (deps: InspectionDeps) => {
  const routes = [
    'GET /local/tasks',
    'GET /local/tasks/<task id, Jira key or Sentry issue id>',
    'GET /local/sandbox/github',
    'GET /local/sandbox/jira',
    'GET /local/sandbox/slack',
    'GET /local/sandbox/sentry',
    'POST /local/slack/approve/<KEY>',
    'POST /local/slack/reject/<KEY>   (body: reason, optional)',
    'POST /local/slack/command        (body: /agent text, e.g. "status ENG-1")',
  ];
  const notFound = () => jsonResponse(404, { message: 'Not Found', routes });
  return async (event: HttpEvent): Promise<HttpResult> => {
    if (!isLocalRequest(event))
      return jsonResponse(403, { message: 'the /local API answers requests from this machine only' });
    const method = event.requestContext.http.method;
    const parts = event.rawPath.split('/').filter(Boolean).map(decodeURIComponent);
    const [, area, name, ...rest] = parts;
    if (method === 'GET' && area === undefined) {
      const url = (vendor: keyof VendorSelection, sandboxUrl: string) =>
        deps.vendors[vendor].mode === 'real' ? null : sandboxUrl;
      return jsonResponse(200, {
        routes,
        // The sandboxes' own APIs (null where the vendor is real), and who can call them.
        sandboxes: {
          github: url('github', deps.sandboxes.github.url),
          jira: url('jira', deps.sandboxes.jira.url),
          slack: url('slack', deps.sandboxes.slack.apiUrl),
          sentry: url('sentry', deps.sandboxes.sentry.url),
        },
        people: SANDBOX_PEOPLE,
      });
    }
    if (method === 'GET' && area === 'tasks' && name === undefined)
      return jsonResponse(200, (await listAllTasks(deps.table)).map(summarize));
    if (method === 'GET' && area === 'tasks' && name !== undefined && rest.length === 0) {
      let task = await deps.tasks.get(name);
      for (const source of SOURCES) task ??= await deps.tasks.findByExternalKey(source, name);
      if (task === undefined) return jsonResponse(404, { message: `no task ${name}` });
      // A final status is written before the last notifications: the execution's end says the run is over.
      const execution =
        task.executionArn === undefined
          ? null
          : { arn: task.executionArn, status: deps.executionStatus(task.executionArn) ?? 'UNKNOWN' };
      return jsonResponse(200, { task, execution, timeline: await deps.timeline.list(task.taskId) });
    }
    if (method === 'GET' && area === 'sandbox' && name !== undefined && rest.length === 0) {
      const views = {
        github: () => githubView(deps.sandboxes.github),
        jira: () => jiraView(deps.sandboxes.jira),
        slack: () => slackView(deps.sandboxes.slack),
        sentry: () => sentryView(deps.sandboxes.sentry),
      } as const;
      const view = views[name as keyof typeof views];
      if (view === undefined) return notFound();
      if (deps.vendors[name as keyof VendorSelection].mode === 'real')
        return jsonResponse(404, {
          message: `${name} is the real API here (its credentials are set): there is no sandbox to show`,
        });
      return jsonResponse(200, view());
    }
    if (method === 'POST' && area === 'slack') {
      if (deps.vendors.slack.mode === 'real')
        return jsonResponse(409, { message: 'Slack is the real API here: approve in Slack itself' });
      const text = rawBody(event).toString('utf8').trim();
      try {
        if (name === 'approve' && rest.length === 1)
          return answer(await deps.slackControl.approve(rest[0] as string));
        if (name === 'reject' && rest.length === 1)
          return answer(
            await deps.slackControl.reject(rest[0] as string, text || 'rejected from the terminal'),
          );
        if (name === 'command' && rest.length === 0 && text !== '')
          return answer(await deps.slackControl.command(text));
      } catch (error) {
        return jsonResponse(409, { message: (error as Error).message });
      }
    }
    return notFound();
  };
};

const answer = (result: { status: number; body: unknown }): HttpResult =>
  jsonResponse(result.status >= 400 ? 502 : 200, { slackStatus: result.status, answer: result.body });
