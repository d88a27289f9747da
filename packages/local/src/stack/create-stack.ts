import {
  type ActionGroupInvoker,
  type AgentRuntime,
  createHandler as createInvoker,
  DEFAULT_MODEL_PRICES,
} from '@enterprise-agents/agent-invoker';
import type { Env } from '@enterprise-agents/core/config';
import {
  ApprovalStore,
  CiWaitStore,
  CostStore,
  DeliveryStore,
  TaskRepository,
  ThreadStore,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { createGitHubClient, OctokitGitHub } from '@enterprise-agents/core/github';
import type { Logger } from '@enterprise-agents/core/logging';
import type { TaskCallbackPort } from '@enterprise-agents/core/workflow';
import type { GitHubFake } from '@enterprise-agents/fakes/github';
import type { JiraFake } from '@enterprise-agents/fakes/jira';
import type { SentryFake } from '@enterprise-agents/fakes/sentry';
import { type SlackFake, SLACK_FAKE_TOKEN as slackToken } from '@enterprise-agents/fakes/slack';
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
import { createHandler as createWebhookHandler } from '@enterprise-agents/webhook-handler';
import {
  ActionGroup,
  createLocalWorkflow,
  defaultAgentScripts,
  type LocalWorkflow,
  type LoopRuntimeWiring,
  selectLocalAgents,
} from '../workflow';
import { defaultLocalSettings, LOCAL_SECRETS, type LocalSettings } from './config';
import { approvePlan, rejectPlan, sendSlashCommand } from './drive';
import { type LocalDynamo, startLocalDynamo } from './dynamo';
import { type HttpHandler, startHttpServer } from './http-server';
import { createInspection, listAllTasks } from './inspect';
import { CiPolicies, type CiPolicy, SandboxCi } from './sandbox-ci';
import { seedJiraIssueFromWebhook, startSandboxes } from './sandboxes';

export interface LocalStackOptions {
  /** HTTP port (0 picks a free one). */
  port?: number;
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** The configuration read from the environment (readLocalSettings); sandboxes and local secrets by default. */
  settings?: LocalSettings;
  /** The environment the settings were read from, for the agent runtime selection. */
  env?: Env;
  /** Keep the embedded database in `<dataDir>/dynamodb` across restarts; in memory when unset. */
  dataDir?: string;
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
  settings: LocalSettings;
  /** The agents in one line, for the banner. */
  agents: string;
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
  const settings = options.settings ?? defaultLocalSettings();
  const { vendors } = settings;
  // Chosen before anything starts, so a bad model setting stops startup with its message.
  const selected = selectLocalAgents(options.env ?? {}, defaultAgentScripts({ commentOnJira: true }));
  let apiUrl = '';
  const dynamo = await startLocalDynamo(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const { table } = dynamo;
  const sandboxes = await startSandboxes({
    settings,
    apiUrl: () => apiUrl,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const { github, jira, sentry, slack } = sandboxes;
  // Pull request numbers of tasks kept in a data directory stay taken in the fresh GitHub sandbox.
  for (const task of dynamo.reused ? await listAllTasks(table) : [])
    if (task.repo !== undefined && task.prNumber !== undefined)
      github.state.pullNumberFloor.set(
        task.repo.toLowerCase(),
        Math.max(task.prNumber, github.state.pullNumberFloor.get(task.repo.toLowerCase()) ?? 0),
      );
  // Each vendor: its real API when credentials are set (config.ts), the sandbox otherwise.
  const githubApi =
    vendors.github.mode === 'real'
      ? vendors.github
      : { apiUrl: github.url, auth: { type: 'token' as const, token: LOCAL_SECRETS.githubToken } };
  const jiraApi =
    vendors.jira.mode === 'real'
      ? vendors.jira
      : { baseUrl: jira.url, email: LOCAL_SECRETS.jiraEmail, apiToken: LOCAL_SECRETS.jiraApiToken };
  const sentryApi =
    vendors.sentry.mode === 'real'
      ? vendors.sentry
      : { apiUrl: sentry.url, org: sentry.org, authToken: LOCAL_SECRETS.sentryAuthToken };
  const slackApi =
    vendors.slack.mode === 'real' ? vendors.slack : { apiUrl: slack.apiUrl, token: slackToken };

  const tasks = new TaskRepository(table);
  const timeline = new TimelineRepository(table);
  const costs = new CostStore(table);
  const approvals = new ApprovalStore(table);
  const ciWaits = new CiWaitStore(table);
  const octokit = createGitHubClient({ auth: githubApi.auth, baseUrl: githubApi.apiUrl, logger });
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
    guardrails: settings.guardrails,
    audit: timeline,
    ciWait: { ciWaits, github: githubPort, callback, timeline },
    logger: logger.child({ component: 'github-actions' }),
  });
  const jiraActions = createJiraActions({
    jira: new JiraRestClient({
      baseUrl: jiraApi.baseUrl,
      credentials: async () => ({ email: jiraApi.email, apiToken: jiraApi.apiToken }),
      logger,
    }),
    audit: timeline,
    tasks: new DynamoTaskReader(table),
    baseUrl: jiraApi.baseUrl,
    allowedProjects: settings.jiraAllowedProjects,
    logger: logger.child({ component: 'jira-actions' }),
  });
  const sentryActions = createSentryActions({
    sentry: new SentryRestClient({
      apiUrl: sentryApi.apiUrl,
      org: sentryApi.org,
      authToken: async () => sentryApi.authToken,
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
  const runtime = (options.runtime ?? selected.runtime)({ table, timeline, logger, actionGroups });
  const agentInvoker = createInvoker({
    tasks,
    timeline,
    costs,
    runtime,
    logger: logger.child({ component: 'agent-invoker' }),
    config: {
      prices: DEFAULT_MODEL_PRICES,
      taskBudgetUsd: settings.invoker.taskBudgetUsd,
      dailyBudgetUsd: settings.invoker.dailyBudgetUsd,
      maxFixAttempts: settings.invoker.maxFixAttempts,
      branchPrefix: settings.invoker.branchPrefix,
      githubOrg: settings.guardrails.org,
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
    slack: new SlackWebApi({ token: async () => slackApi.token, slackApiUrl: slackApi.apiUrl, logger }),
    responder: new FetchResponder(),
    followUps,
    signingSecret: async () => settings.secrets.slackSigning,
    settings: settings.slack,
    logger: logger.child({ component: 'slack-handler' }),
  });
  followUps.bind((job) => slackHandler(job));

  const webhookHandler = createWebhookHandler({
    config: { ...settings.webhook, jira: { ...settings.webhook.jira, baseUrl: jiraApi.baseUrl } },
    secrets: {
      secretsFor: async (source) => [
        (
          {
            github: settings.secrets.githubWebhook,
            jira: settings.secrets.jiraWebhook,
            sentry: settings.secrets.sentryClient,
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
    github: githubPort,
    logger: logger.child({ component: 'webhook-handler' }),
  });

  // Real GitHub runs real Actions: their workflow_run webhooks arrive through the tunnel.
  const ci =
    options.ci === false || vendors.github.mode === 'real'
      ? undefined
      : new SandboxCi({
          github,
          webhookUrl: () => `${apiUrl}/webhooks/github`,
          webhookSecret: settings.secrets.githubWebhook,
          policy: options.ci ?? CiPolicies.alwaysGreen,
          ...(options.log === undefined ? {} : { log: options.log }),
        });

  // Handlers in flight, for idle(): a task token is parked before its handler runs.
  let inFlight = 0;
  const tracked =
    (fn: (payload: unknown) => Promise<unknown>) =>
    async (payload: unknown): Promise<unknown> => {
      inFlight += 1;
      try {
        return await fn(payload);
      } finally {
        inFlight -= 1;
      }
    };
  workflow = createLocalWorkflow({
    handlers: {
      agentInvoker: tracked(agentInvoker),
      slackHandler: tracked(slackHandler),
      jiraActions: tracked((payload) => jiraActions(payload as never)),
      githubActions: tracked(async (payload) => {
        const result = await githubActions(payload as never);
        const p = payload as { action?: string; repo?: string; headSha?: string };
        if (p.action === 'registerCiWait' && p.repo !== undefined && p.headSha !== undefined)
          ci?.schedule(p.repo, p.headSha);
        return result;
      }),
    },
    templateVars: {
      approval_timeout_seconds: options.approvalTimeoutSeconds ?? 3600,
      ci_timeout_seconds: 3600,
      max_fix_attempts: settings.invoker.maxFixAttempts,
    },
    onExecutionEnd: (record) =>
      options.log?.(
        `execution ${record.executionArn.split(':').at(-1)} ${record.status}${record.error === undefined ? '' : ` (${record.error})`}, ${record.transitions} transitions`,
      ),
  });

  const webhook: HttpHandler = (event) => webhookHandler(event);
  // A delivery for an issue the Jira sandbox does not know (sent by hand) creates it there first.
  const jiraWebhook: HttpHandler = (event) => {
    if (vendors.jira.mode === 'sandbox') seedJiraIssueFromWebhook(jira, settings.secrets.jiraWebhook, event);
    return webhookHandler(event);
  };
  const slackHttp: HttpHandler = async (event) =>
    (await slackHandler(event)) as Awaited<ReturnType<HttpHandler>>;
  // The sandbox Slack approver acts through the real, signed Slack endpoints.
  const target = { url: '', slack, jira, sentry, settings };
  const inspection = createInspection({
    table,
    tasks,
    timeline,
    sandboxes,
    vendors,
    executionStatus: (arn) => workflow?.executions.get(arn)?.record.status,
    slackControl: {
      approve: (key) => approvePlan(target, key),
      reject: (key, reason) => rejectPlan(target, key, reason),
      command: (text) => sendSlashCommand(target, text),
    },
  });
  const server = await startHttpServer(
    {
      'POST /webhooks/jira': jiraWebhook,
      'POST /webhooks/github': webhook,
      'POST /webhooks/sentry': webhook,
      'GET /health': webhook,
      'POST /slack/commands': slackHttp,
      'POST /slack/interactions': slackHttp,
      'GET /local/*': inspection,
      'POST /local/*': inspection,
    },
    {
      port: options.port ?? 0,
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.log === undefined ? {} : { onRequest: options.log }),
    },
  ).catch(async (error: unknown) => {
    await sandboxes.close();
    await dynamo.stop();
    throw error;
  });
  apiUrl = server.url;
  target.url = apiUrl;

  // Quiet means: nothing in flight, and every running execution parked on a task token,
  // seen twice in a row (a handler may be between registering a token and scheduling CI).
  const quiet = async (): Promise<boolean> => {
    await ci?.idle();
    await sandboxes.idle();
    await followUps.settle();
    if (inFlight > 0) return false;
    const running = [...wf().executions.values()].filter((e) => e.record.status === 'RUNNING').length;
    return running === 0 || running === wf().broker.list().length;
  };
  const idle = async (): Promise<void> => {
    let streak = 0;
    // Bounded: a busy machine (a whole test suite in parallel) is slow, not stuck.
    const deadline = Date.now() + 60_000;
    while (streak < 2 && Date.now() < deadline) {
      streak = (await quiet()) ? streak + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  };

  const stack: LocalStack = {
    url: server.url,
    settings,
    agents:
      options.runtime === undefined ? selected.banner : 'custom runtime (startLocalStack options.runtime)',
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
      await sandboxes.close();
      await dynamo.stop();
    },
  };
  return stack;
};
