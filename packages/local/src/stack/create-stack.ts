import {
  type ActionGroupInvoker,
  type AgentRuntime,
  createHandler as createInvoker,
  DEFAULT_MODEL_PRICES,
} from '@enterprise-agents/agent-invoker';
import {
  ApprovalStore,
  CiWaitStore,
  CostStore,
  createGitHubClient,
  DeliveryStore,
  type Logger,
  OctokitGitHub,
  type TaskCallbackPort,
  TaskRepository,
  ThreadStore,
  TimelineRepository,
} from '@enterprise-agents/core';
import { type LocalDynamo, startDynamo } from '@enterprise-agents/core/testing';
import { type GitHubFake, startGitHubFake } from '@enterprise-agents/fakes/github';
import { type JiraFake, startJiraFake } from '@enterprise-agents/fakes/jira';
import { type SentryFake, startSentryFake } from '@enterprise-agents/fakes/sentry';
import {
  type SlackFake,
  SLACK_FAKE_TOKEN as slackToken,
  startSlackFake,
} from '@enterprise-agents/fakes/slack';
import { createHandler as createGitHubActions, OctokitRepoHost } from '@enterprise-agents/github-actions';
import {
  createHandler as createJiraActions,
  DynamoTaskReader,
  JiraRestClient,
} from '@enterprise-agents/jira-actions';
import { createHandler as createSentryActions, SentryRestClient } from '@enterprise-agents/sentry-actions';
import {
  createHandler as createSlackHandler,
  DynamoNotificationLedger,
  FetchResponder,
  InlineFollowUps,
  SlackWebApi,
} from '@enterprise-agents/slack-handler';
import {
  createHandler as createWebhookHandler,
  OctokitWebhookGitHub,
} from '@enterprise-agents/webhook-handler';
import {
  ActionGroup,
  createLocalWorkflow,
  createScriptedAgents,
  defaultAgentScripts,
  type LocalWorkflow,
  type LoopRuntimeWiring,
} from '../workflow';
import { type HttpHandler, startHttpServer } from './http-server';
import { CiPolicies, type CiPolicy, SandboxCi } from './sandbox-ci';

/** The secrets of the local stack: not secret, but used exactly as production uses theirs. */
export const LOCAL_SECRETS = {
  githubWebhook: 'local-github-webhook-secret',
  jiraWebhook: 'local-jira-webhook-secret',
  sentryClient: 'local-sentry-client-secret',
  slackSigning: 'local-slack-signing-secret',
  githubToken: 'local-github-token',
  jiraEmail: 'agent-bot@example.com',
  jiraApiToken: 'local-jira-api-token',
  sentryAuthToken: 'local-sentry-auth-token',
} as const;

export const LOCAL_DEFAULTS = {
  org: 'acme',
  repo: 'acme/app',
  jiraProject: 'ENG',
  slackChannel: 'C0AGENTS',
  approver: 'U0APPROVER',
  botLogin: 'enterprise-agents[bot]',
  sentryOrg: 'acme',
  sentryProject: 'app',
} as const;

export interface LocalStackOptions {
  /** HTTP port on 127.0.0.1 (0 picks a free one). */
  port?: number;
  /** Outcome of each sandbox CI run; default always green. `false` leaves CI to the caller. */
  ci?: CiPolicy | false;
  /**
   * The agents, built from the stack's wiring (table, timeline, the action groups
   * in process): the agent loop on the scripted model by default.
   */
  runtime?: (wiring: LoopRuntimeWiring) => AgentRuntime;
  approvalTimeoutSeconds?: number;
  logger: Logger;
  /** One line per HTTP request, CI run and finished execution. */
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  dynamo: LocalDynamo;
  github: GitHubFake;
  jira: JiraFake;
  sentry: SentryFake;
  slack: SlackFake;
  workflow: LocalWorkflow;
  ci: SandboxCi | undefined;
  tasks: TaskRepository;
  timeline: TimelineRepository;
  costs: CostStore;
  /** Waits until no execution, follow-up or CI report is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole system on one machine: the real handlers behind the same routes as
 * API Gateway, the embedded DynamoDB, the real state machine on
 * aws-local-stepfunctions with an in-process task-token broker, and sandbox
 * servers standing in for GitHub, Jira, Sentry and Slack that keep what they received.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const { logger } = options;
  const dynamo = await startDynamo('enterprise-agents-local');
  const { table } = dynamo;
  const github = await startGitHubFake({ tokens: [LOCAL_SECRETS.githubToken] });
  const jira = await startJiraFake({ email: LOCAL_SECRETS.jiraEmail, apiToken: LOCAL_SECRETS.jiraApiToken });
  const sentry = await startSentryFake({
    org: LOCAL_DEFAULTS.sentryOrg,
    authToken: LOCAL_SECRETS.sentryAuthToken,
  });
  const slack = await startSlackFake();
  github.state.seedRepo({
    fullName: LOCAL_DEFAULTS.repo,
    language: 'TypeScript',
    description: 'The sandbox repository the agents work on',
    files: {
      'README.md': '# app\n\nA sample service.\n',
      'AGENTS.md': 'Run `npm test` before pushing. Keep functions small.\n',
      'package.json': '{"name":"app","scripts":{"test":"node --test"}}\n',
      'src/login.ts': 'export const login = (user: string): boolean => user.length > 0;\n',
    },
  });

  const tasks = new TaskRepository(table);
  const timeline = new TimelineRepository(table);
  const costs = new CostStore(table);
  const approvals = new ApprovalStore(table);
  const ciWaits = new CiWaitStore(table);
  const octokit = createGitHubClient({
    auth: { type: 'token', token: LOCAL_SECRETS.githubToken },
    baseUrl: github.url,
    logger,
  });
  const githubPort = new OctokitGitHub(octokit);

  // Handlers are built before the workflow that calls them: reach its ports lazily.
  let workflow: LocalWorkflow | undefined;
  const wf = (): LocalWorkflow => {
    if (workflow === undefined) throw new Error('local workflow not started');
    return workflow;
  };
  const callback: TaskCallbackPort = {
    succeed: (token, output) => wf().callbackPort.succeed(token, output),
    fail: (token, error, cause) => wf().callbackPort.fail(token, error, cause),
  };
  const executions = { stop: (arn: string, reason: string) => wf().executionControl.stop(arn, reason) };
  const publisher = {
    taskRequested: (event: Parameters<LocalWorkflow['publisher']['taskRequested']>[0]) =>
      wf().publisher.taskRequested(event),
  };

  const githubActions = createGitHubActions({
    host: new OctokitRepoHost(octokit),
    guardrails: {
      org: LOCAL_DEFAULTS.org,
      repoAllowlist: [],
      branchPrefix: 'agent/',
      protectedPaths: ['.github/workflows/**'],
      maxFileBytes: 200_000,
      maxFilesPerCommit: 50,
    },
    audit: timeline,
    ciWait: { ciWaits, github: githubPort, callback, timeline },
    logger: logger.child({ component: 'github-actions' }),
  });
  const jiraActions = createJiraActions({
    jira: new JiraRestClient({
      baseUrl: jira.url,
      credentials: async () => ({ email: LOCAL_SECRETS.jiraEmail, apiToken: LOCAL_SECRETS.jiraApiToken }),
      logger,
    }),
    audit: timeline,
    tasks: new DynamoTaskReader(table),
    baseUrl: jira.url,
    allowedProjects: [],
    logger: logger.child({ component: 'jira-actions' }),
  });
  const sentryActions = createSentryActions({
    sentry: new SentryRestClient({
      apiUrl: sentry.url,
      org: LOCAL_DEFAULTS.sentryOrg,
      authToken: async () => LOCAL_SECRETS.sentryAuthToken,
      logger,
    }),
    logger: logger.child({ component: 'sentry-actions' }),
  });
  const asTool =
    (fn: (event: never) => Promise<unknown>): ActionGroupInvoker =>
    async (event) =>
      (await fn(event as never)) as Awaited<ReturnType<ActionGroupInvoker>>;
  const actionGroups = {
    [ActionGroup.GitHubDiscovery]: asTool(githubActions),
    [ActionGroup.GitHubPlanning]: asTool(githubActions),
    [ActionGroup.GitHubCi]: asTool(githubActions),
    [ActionGroup.Jira]: asTool(jiraActions),
    [ActionGroup.Sentry]: asTool(sentryActions),
  };
  const runtime =
    options.runtime?.({ table, timeline, logger, actionGroups }) ??
    createScriptedAgents({
      table,
      timeline,
      logger,
      actionGroups,
      scripts: defaultAgentScripts({ commentOnJira: true }),
    }).runtime;
  const agentInvoker = createInvoker({
    tasks,
    timeline,
    costs,
    runtime,
    logger: logger.child({ component: 'agent-invoker' }),
    config: {
      prices: DEFAULT_MODEL_PRICES,
      taskBudgetUsd: 10,
      dailyBudgetUsd: 100,
      maxFixAttempts: 3,
      branchPrefix: 'agent/',
      githubOrg: LOCAL_DEFAULTS.org,
    },
  });

  const followUps = new InlineFollowUps();
  const slackHandler = createSlackHandler({
    tasks,
    timeline,
    approvals,
    threadStore: new ThreadStore(table),
    costs,
    ledger: new DynamoNotificationLedger(table),
    callback,
    executions,
    publisher,
    slack: new SlackWebApi({ token: async () => slackToken, slackApiUrl: slack.apiUrl, logger }),
    responder: new FetchResponder(),
    followUps,
    signingSecret: async () => LOCAL_SECRETS.slackSigning,
    settings: {
      defaultChannel: LOCAL_DEFAULTS.slackChannel,
      channelMap: {},
      approvers: [LOCAL_DEFAULTS.approver],
      maxFixAttempts: 3,
    },
    logger: logger.child({ component: 'slack-handler' }),
  });
  followUps.bind((job) => slackHandler(job));

  const webhookHandler = createWebhookHandler({
    config: {
      maxBodyBytes: 1_048_576,
      jira: { triggerLabel: 'AI', allowedProjects: [], baseUrl: jira.url },
      github: { org: LOCAL_DEFAULTS.org, botLogin: LOCAL_DEFAULTS.botLogin },
      sentry: { minLevel: 'error' },
    },
    secrets: {
      secretsFor: async (source) => [
        (
          {
            github: LOCAL_SECRETS.githubWebhook,
            jira: LOCAL_SECRETS.jiraWebhook,
            sentry: LOCAL_SECRETS.sentryClient,
          } as const
        )[source],
      ],
    },
    deliveries: new DeliveryStore(table),
    tasks,
    timeline,
    approvals,
    ciWaits,
    publisher,
    callback,
    executions,
    github: new OctokitWebhookGitHub(octokit),
    logger: logger.child({ component: 'webhook-handler' }),
  });

  let apiUrl = '';
  const ci =
    options.ci === false
      ? undefined
      : new SandboxCi({
          github,
          webhookUrl: () => `${apiUrl}/webhooks/github`,
          webhookSecret: LOCAL_SECRETS.githubWebhook,
          policy: options.ci ?? CiPolicies.alwaysGreen,
          ...(options.log === undefined ? {} : { log: options.log }),
        });

  workflow = createLocalWorkflow({
    handlers: {
      agentInvoker,
      slackHandler,
      jiraActions: (payload) => jiraActions(payload as never),
      githubActions: async (payload) => {
        const result = await githubActions(payload as never);
        const p = payload as { action?: string; repo?: string; headSha?: string };
        if (p.action === 'registerCiWait' && p.repo !== undefined && p.headSha !== undefined)
          ci?.schedule(p.repo, p.headSha);
        return result;
      },
    },
    templateVars: {
      approval_timeout_seconds: options.approvalTimeoutSeconds ?? 3600,
      ci_timeout_seconds: 3600,
    },
    onExecutionEnd: (record) =>
      options.log?.(
        `execution ${record.executionArn.split(':').at(-1)} ${record.status}${record.error === undefined ? '' : ` (${record.error})`}, ${record.transitions} transitions`,
      ),
  });

  const webhook: HttpHandler = (event) => webhookHandler(event);
  const slackHttp: HttpHandler = async (event) =>
    (await slackHandler(event)) as Awaited<ReturnType<HttpHandler>>;
  const server = await startHttpServer(
    {
      'POST /webhooks/jira': webhook,
      'POST /webhooks/github': webhook,
      'POST /webhooks/sentry': webhook,
      'GET /health': webhook,
      'POST /slack/commands': slackHttp,
      'POST /slack/interactions': slackHttp,
    },
    { port: options.port ?? 0, ...(options.log === undefined ? {} : { onRequest: options.log }) },
  );
  apiUrl = server.url;

  // Quiet means: nothing in flight, and every running execution parked on a task token,
  // seen twice in a row (a handler may be between registering a token and scheduling CI).
  const quiet = async (): Promise<boolean> => {
    await ci?.idle();
    await followUps.settle();
    const running = [...wf().executions.values()].filter((e) => e.record.status === 'RUNNING').length;
    return running === 0 || running === wf().broker.list().length;
  };
  const idle = async (): Promise<void> => {
    let streak = 0;
    for (let i = 0; i < 500 && streak < 2; i += 1) {
      streak = (await quiet()) ? streak + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  };

  return {
    url: server.url,
    dynamo,
    github,
    jira,
    sentry,
    slack,
    workflow,
    ci,
    tasks,
    timeline,
    costs,
    idle,
    close: async () => {
      for (const execution of wf().executions.values())
        if (execution.record.status === 'RUNNING') execution.abort();
      await Promise.allSettled([...wf().executions.values()].map((e) => e.done));
      await server.close();
      await Promise.all([github.close(), jira.close(), sentry.close(), slack.stop()]);
      await dynamo.stop();
    },
  };
};
