import {
  ApprovalStore,
  CostStore,
  type NewTask,
  TaskRepository,
  ThreadStore,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { type Task, TaskSource } from '@enterprise-agents/core/domain';
import type { Logger } from '@enterprise-agents/core/logging';
import {
  httpEvent,
  type LocalDynamo,
  RecordingCallback,
  RecordingExecutions,
  RecordingPublisher,
  silentLogger,
  slackHeaders,
  startDynamo,
} from '@enterprise-agents/core/testing';
import type { Clock } from '@enterprise-agents/core/util';
import { SLACK_FAKE_TOKEN, type SlackFake, startSlackFake } from '@enterprise-agents/fakes/slack';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InlineFollowUps } from '../src/adapters/inline-follow-ups';
import { DynamoNotificationLedger } from '../src/adapters/notification-ledger';
import { FetchResponder } from '../src/adapters/response-url';
import type { RetryPolicy } from '../src/adapters/retry';
import { SlackWebApi } from '../src/adapters/slack-web-api';
import type { SlackSettings } from '../src/config';
import { createHandler, type SlackHandler } from '../src/create-handler';
import type { FollowUpJob } from '../src/domain/ports';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const APPROVER = 'U0APPROVER';
export const OTHER_APPROVER = 'U0SECOND';
export const STRANGER = 'U0STRANGER';
export const GROUP = 'S0APPROVERS';
export const GROUP_MEMBER = 'U0GROUPIE';
export const DEFAULT_CHANNEL = 'C0DEFAULT';
export const PROJECT_CHANNEL = 'C0PROJ';
export const REPO_CHANNEL = 'C0REPO';

/** No real waiting in tests; the delays asked for are recorded. */
export const FAST_RETRY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 1,
  maxDelayMs: 2,
  maxRetryAfterMs: 5000,
};

export interface Harness {
  dynamo: LocalDynamo;
  slack: SlackFake;
  handler: SlackHandler;
  followUps: InlineFollowUps;
  callback: RecordingCallback;
  publisher: RecordingPublisher;
  executions: RecordingExecutions;
  tasks: TaskRepository;
  timeline: TimelineRepository;
  approvals: ApprovalStore;
  threads: ThreadStore;
  costs: CostStore;
  waits: number[];
  settings: SlackSettings;
  /** Runs a request and waits for its asynchronous follow-ups. */
  http(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  settings?: Partial<SlackSettings>;
  clock?: Clock;
  logger?: Logger;
  signingSecret?: string;
}

/** The handler on the embedded DynamoDB and the Slack fake, with recording AWS ports. */
export const startHarness = async (options: HarnessOptions = {}): Promise<Harness> => {
  const dynamo = await startDynamo();
  const slack = await startSlackFake({ usergroups: { [GROUP]: [GROUP_MEMBER] } });
  const table = dynamo.table;
  const clock = options.clock;
  const tasks = new TaskRepository(table, clock);
  const timeline = new TimelineRepository(table, clock);
  const approvals = new ApprovalStore(table, clock);
  const threads = new ThreadStore(table);
  const costs = new CostStore(table, clock);
  const callback = new RecordingCallback();
  const publisher = new RecordingPublisher();
  const executions = new RecordingExecutions();
  const followUps = new InlineFollowUps();
  const waits: number[] = [];
  const wait = async (ms: number) => {
    waits.push(ms);
  };
  const logger = options.logger ?? silentLogger();
  const settings: SlackSettings = {
    defaultChannel: DEFAULT_CHANNEL,
    channelMap: { PROJ: PROJECT_CHANNEL, 'acme/api': REPO_CHANNEL },
    approvers: [APPROVER, OTHER_APPROVER],
    approverGroup: GROUP,
    maxFixAttempts: 3,
    ...options.settings,
  };
  const handler = createHandler({
    tasks,
    timeline,
    approvals,
    threadStore: threads,
    costs,
    ledger: new DynamoNotificationLedger(table, clock),
    callback,
    executions,
    publisher,
    slack: new SlackWebApi({
      token: async () => SLACK_FAKE_TOKEN,
      slackApiUrl: slack.apiUrl,
      retry: FAST_RETRY,
      logger,
      wait,
    }),
    responder: new FetchResponder({ retry: FAST_RETRY, wait }),
    followUps,
    signingSecret: async () => options.signingSecret ?? SIGNING_SECRET,
    settings,
    logger,
    // Every test sees the group as it is now; the cache has its own unit test.
    approverCacheMs: 0,
    ...(clock === undefined ? {} : { clock }),
  });
  followUps.bind((job: FollowUpJob) => handler(job));
  return {
    dynamo,
    slack,
    handler,
    followUps,
    callback,
    publisher,
    executions,
    tasks,
    timeline,
    approvals,
    threads,
    costs,
    waits,
    settings,
    http: async (event) => {
      const result = (await handler(event)) as APIGatewayProxyStructuredResultV2;
      await followUps.settle();
      return result;
    },
    stop: async () => {
      await followUps.settle();
      await slack.stop();
      await dynamo.stop();
    },
  };
};

let seq = 0;

/** A task as webhook-handler creates it, moved to `status` if given. */
export const seedTask = async (h: Harness, overrides: Partial<NewTask> = {}): Promise<Task> => {
  seq += 1;
  const key = overrides.externalKey ?? `PROJ-${100 + seq}`;
  const result = await h.tasks.createIfNoActive({
    source: TaskSource.Jira,
    externalKey: key,
    title: `Fix the <b>login</b> bug ${seq}`,
    context: {
      key,
      title: `Fix the login bug ${seq}`,
      url: `https://acme.atlassian.net/browse/${key}`,
      jira: { projectKey: key.split('-')[0] ?? 'PROJ' },
    },
    ...overrides,
  });
  if (!result.created) throw new Error('seed collided');
  return result.task;
};

/** Puts a task in AWAITING_APPROVAL through the real requestApproval action; returns the token. */
export const awaitApproval = async (
  h: Harness,
  task: Task,
): Promise<{ taskToken: string; result: unknown }> => {
  const taskToken = `token-${task.taskId}-${task.runId}`;
  const result = await h.handler({
    action: 'requestApproval',
    taskToken,
    taskId: task.taskId,
    runId: task.runId,
    plan: {
      summary: 'Add input validation to the login form and a regression test.',
      prUrl: 'https://github.com/acme/api/pull/7',
      prNumber: 7,
      repo: 'acme/api',
      branch: `agent/${task.externalKey}-login`,
      repositories: ['acme/api', 'acme/web'],
      estimatedScope: '3 files, ~120 lines',
    },
  });
  return { taskToken, result };
};

/** A signed form request as Slack sends it (base64 body, like API Gateway delivers it). */
export const signedForm = (
  path: '/slack/commands' | '/slack/interactions',
  form: Record<string, string>,
  options: { secret?: string; nowSeconds?: number; base64?: boolean } = {},
): APIGatewayProxyEventV2 => {
  const body = new URLSearchParams(form).toString();
  return httpEvent({
    path,
    body,
    base64: options.base64 ?? true,
    headers: slackHeaders(body, options.secret ?? SIGNING_SECRET, options.nowSeconds),
  });
};

/** A slash command form with Slack's real field set. */
export const slashCommand = (
  text: string,
  user = APPROVER,
  responseUrl = 'http://127.0.0.1:1/unused',
): Record<string, string> => ({
  token: 'gIkuvaNzQIHg97ATvDxqgjtO',
  team_id: 'T0001',
  team_domain: 'acme',
  channel_id: 'C0COMMANDS',
  channel_name: 'engineering',
  user_id: user,
  user_name: 'someone',
  command: '/agent',
  text,
  api_app_id: 'A0APP',
  is_enterprise_install: 'false',
  response_url: responseUrl,
  trigger_id: '13345224609.738474920.8088930838d88f008e0',
});

/** A `block_actions` payload shaped like Slack's for a click on one of our buttons. */
export const blockActions = (input: {
  user: string;
  actionId: string;
  value: string;
  responseUrl: string;
  channel?: string;
  messageTs?: string;
}): Record<string, string> => ({
  payload: JSON.stringify({
    type: 'block_actions',
    user: { id: input.user, username: 'someone', name: 'someone', team_id: 'T0001' },
    api_app_id: 'A0APP',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    container: {
      type: 'message',
      message_ts: input.messageTs ?? '1.0',
      channel_id: input.channel ?? DEFAULT_CHANNEL,
      is_ephemeral: false,
    },
    trigger_id: '12466734323.1395872398.2f9b1e3d0a',
    team: { id: 'T0001', domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channel ?? DEFAULT_CHANNEL, name: 'engineering' },
    message: { type: 'message', ts: input.messageTs ?? '1.0', text: 'Plan ready', blocks: [] },
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: 'approval',
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        value: input.value,
        style: 'primary',
        action_ts: '1548426417.840180',
      },
    ],
  }),
});
