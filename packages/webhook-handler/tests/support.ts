import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  ApprovalStore,
  CiWaitStore,
  DeliveryStore,
  type TableRef,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import type { FailedJob, RepoPermission, WorkflowRunSummary } from '@enterprise-agents/core/github';
import type { HttpResult } from '@enterprise-agents/core/http';
import { EnvSecretStore } from '@enterprise-agents/core/secrets';
import {
  captureLogger,
  githubSignature,
  httpEvent,
  jiraSignature,
  type LocalDynamo,
  RecordingCallback,
  RecordingExecutions,
  RecordingPublisher,
  sentrySignature,
} from '@enterprise-agents/core/testing';
import { SecretStoreWebhookSecrets } from '../src/adapters/webhook-secrets';
import type { WebhookConfig } from '../src/config';
import { createHandler, type WebhookHandler, type WebhookHandlerDeps } from '../src/create-handler';
import type { JsonObject } from '../src/domain/json';
import type { WebhookGitHubPort } from '../src/domain/ports';

export const SECRETS = {
  github: "It's a Secret to Everybody",
  jira: 'jira-webhook-secret',
  sentry: 'sentry-client-secret',
} as const;

export const BOT_LOGIN = 'enterprise-agents-bot';
export const JIRA_BOT_ACCOUNT = '712020:bot-account-id';

/** A fixture from tests/fixtures, parsed fresh for every caller (tests mutate them). */
export const fixture = (name: string): JsonObject =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as JsonObject;

interface WebhookDefinition {
  name: string;
  examples: JsonObject[];
}

const require = createRequire(import.meta.url);
const definitions = JSON.parse(
  readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
) as WebhookDefinition[];

/** A deep copy of a real GitHub example payload from @octokit/webhooks-examples. */
export const githubExample = (
  event: string,
  match: (payload: JsonObject) => boolean = () => true,
): JsonObject => {
  const definition = definitions.find((d) => d.name === event);
  const example = definition?.examples.find(match);
  if (example === undefined) throw new Error(`no ${event} example matches`);
  return structuredClone(example);
};

/**
 * GitHubPort that behaves like the REST API for what the handler uses: unknown
 * users have no permission (GitHub answers 404 and core maps that to `none`),
 * comments are recorded, workflow runs and failed jobs come from the test.
 */
export class InMemoryGitHub implements WebhookGitHubPort {
  readonly permissions = new Map<string, RepoPermission>();
  readonly comments: { repo: string; issueNumber: number; body: string }[] = [];
  readonly runs = new Map<string, WorkflowRunSummary[]>();
  readonly jobs = new Map<number, FailedJob[]>();
  readonly reviews = new Map<number, string[]>();
  readonly calls: string[] = [];
  /** Makes the next call of the named method throw (e.g. a GitHub outage). */
  failing = new Set<string>();

  grant(repo: string, login: string, permission: RepoPermission): void {
    this.permissions.set(`${repo.toLowerCase()}:${login.toLowerCase()}`, permission);
  }

  private check(method: string): void {
    this.calls.push(method);
    if (this.failing.has(method)) {
      const error = Object.assign(new Error('Service Unavailable'), { status: 503 });
      throw error;
    }
  }

  async permissionOf(repo: string, username: string): Promise<RepoPermission> {
    this.check('permissionOf');
    return this.permissions.get(`${repo.toLowerCase()}:${username.toLowerCase()}`) ?? 'none';
  }

  async commentOnIssue(repo: string, issueNumber: number, body: string): Promise<void> {
    this.check('commentOnIssue');
    this.comments.push({ repo, issueNumber, body });
  }

  async workflowRunsForCommit(repo: string, sha: string): Promise<WorkflowRunSummary[]> {
    this.check('workflowRunsForCommit');
    return structuredClone(this.runs.get(`${repo.toLowerCase()}@${sha}`) ?? []);
  }

  async failedJobs(_repo: string, runIds: readonly number[]): Promise<FailedJob[]> {
    this.check('failedJobs');
    return runIds.flatMap((id) => this.jobs.get(id) ?? []);
  }

  async reviewComments(_repo: string, _prNumber: number, reviewId: number): Promise<string[]> {
    this.check('reviewComments');
    return [...(this.reviews.get(reviewId) ?? [])];
  }
}

export const testConfig = (overrides: Partial<WebhookConfig> = {}): WebhookConfig => ({
  maxBodyBytes: 1_048_576,
  jira: {
    triggerLabel: 'AI',
    allowedProjects: [],
    botAccountId: JIRA_BOT_ACCOUNT,
    baseUrl: 'https://acme.atlassian.net',
  },
  github: { botLogin: BOT_LOGIN },
  sentry: { minLevel: 'error' },
  ...overrides,
});

export interface Harness {
  handler: WebhookHandler;
  deps: WebhookHandlerDeps;
  table: TableRef;
  tasks: TaskRepository;
  timeline: TimelineRepository;
  approvals: ApprovalStore;
  ciWaits: CiWaitStore;
  publisher: RecordingPublisher;
  callback: RecordingCallback;
  executions: RecordingExecutions;
  github: InMemoryGitHub;
  logLines: () => Record<string, unknown>[];
  /** Every item in the table (to assert that nothing was stored). */
  items: () => Promise<Record<string, unknown>[]>;
}

let tables = 0;

/** A handler over a fresh table on the embedded DynamoDB, with recording ports. */
export const createHarness = async (
  dynamo: LocalDynamo,
  options: { config?: Partial<WebhookConfig>; deps?: Partial<WebhookHandlerDeps> } = {},
): Promise<Harness> => {
  const table = await dynamo.createTable(`webhooks-${process.pid}-${++tables}`);
  const { logger, lines } = captureLogger('webhook-handler');
  const secretEnv = {
    WEBHOOK_SECRET: JSON.stringify({ github: SECRETS.github, jira: SECRETS.jira }),
    SENTRY_SECRET: JSON.stringify({ authToken: 'sntrys_token', clientSecret: SECRETS.sentry }),
  };
  const publisher = new RecordingPublisher();
  const callback = new RecordingCallback();
  const executions = new RecordingExecutions();
  const github = new InMemoryGitHub();
  const tasks = new TaskRepository(table);
  const timeline = new TimelineRepository(table);
  const approvals = new ApprovalStore(table);
  const ciWaits = new CiWaitStore(table);
  const deps: WebhookHandlerDeps = {
    config: testConfig(options.config),
    secrets: new SecretStoreWebhookSecrets(new EnvSecretStore(secretEnv), 'WEBHOOK_SECRET', 'SENTRY_SECRET'),
    deliveries: new DeliveryStore(table),
    tasks,
    timeline,
    approvals,
    ciWaits,
    publisher,
    callback,
    executions,
    github,
    logger,
    ...options.deps,
  };
  return {
    handler: createHandler(deps),
    deps,
    table,
    tasks,
    timeline,
    approvals,
    ciWaits,
    publisher,
    callback,
    executions,
    github,
    logLines: lines,
    items: async () => {
      const out = await table.client.send(
        new ScanCommand({ TableName: table.tableName, ConsistentRead: true }),
      );
      return (out.Items ?? []) as Record<string, unknown>[];
    },
  };
};

/** A GitHub delivery as API Gateway hands it over, signed like GitHub signs it. */
export const githubDelivery = (
  event: string,
  payload: unknown,
  options: { delivery?: string; secret?: string; headers?: Record<string, string> } = {},
) => {
  const body = JSON.stringify(payload);
  return httpEvent({
    path: '/webhooks/github',
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/abc123',
      'x-github-event': event,
      'x-github-delivery': options.delivery ?? randomUUID(),
      'x-github-hook-id': '42',
      'x-hub-signature-256': githubSignature(body, options.secret ?? SECRETS.github),
      ...options.headers,
    },
  });
};

export const jiraDelivery = (
  payload: unknown,
  options: { identifier?: string; secret?: string; headers?: Record<string, string> } = {},
) => {
  const body = JSON.stringify(payload);
  return httpEvent({
    path: '/webhooks/jira',
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': options.identifier ?? String(Math.floor(Math.random() * 1e12)),
      'x-atlassian-webhook-flow': 'Primary',
      'x-hub-signature': jiraSignature(body, options.secret ?? SECRETS.jira),
      ...options.headers,
    },
  });
};

export const sentryDelivery = (
  resource: string,
  payload: unknown,
  options: { secret?: string; headers?: Record<string, string> } = {},
) => {
  // Sentry serialises with Python's compact json.dumps: the exact bytes are what is signed.
  const body = JSON.stringify(payload);
  return httpEvent({
    path: '/webhooks/sentry',
    body,
    headers: {
      'content-type': 'application/json',
      'request-id': randomUUID().replaceAll('-', ''),
      'sentry-hook-resource': resource,
      'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
      'sentry-hook-signature': sentrySignature(body, options.secret ?? SECRETS.sentry),
      ...options.headers,
    },
  });
};

/** The parsed JSON body of a handler result. */
export const bodyOf = (result: HttpResult): Record<string, unknown> =>
  JSON.parse(typeof result.body === 'string' ? result.body : '{}') as Record<string, unknown>;
