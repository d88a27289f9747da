import {
  type ActionGroupInvoker,
  type AgentScript,
  createHandler as createInvoker,
  DEFAULT_MODEL_PRICES,
  type InvocationContext,
  type LoopLimits,
  type ScriptedModel,
  type ScriptedModelOptions,
} from '@enterprise-agents/agent-invoker';
import {
  ApprovalDecision,
  ApprovalStore,
  CiWaitStore,
  CostStore,
  type NewTask,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { type Task, TaskSource } from '@enterprise-agents/core/domain';
import type { CiGitHubPort, FailedJob, WorkflowRunSummary } from '@enterprise-agents/core/github';
import { type LocalDynamo, silentLogger, startDynamo } from '@enterprise-agents/core/testing';
import { decideApproval, resolveCiWaits, type TaskCallbackPort } from '@enterprise-agents/core/workflow';
import { type JiraFake, startJiraFake } from '@enterprise-agents/fakes/jira';
import {
  createHandler as createJiraActions,
  DynamoTaskReader,
  JiraRestClient,
} from '@enterprise-agents/jira-actions';
import {
  createLocalWorkflow,
  createScriptedAgents,
  type LocalExecution,
  type LocalLambda,
  type LocalWorkflow,
  type TemplateVars,
} from '../../src/workflow';

/** CI on commits, as the GitHub API reports it; the test decides when a run completes. */
export class FakeCi implements CiGitHubPort {
  private readonly runs = new Map<string, WorkflowRunSummary[]>();
  private nextId = 1000;
  /** Completes CI on a commit (what GitHub does before sending workflow_run). */
  finish(sha: string, conclusion: 'success' | 'failure'): void {
    this.runs.set(sha, [
      {
        id: this.nextId++,
        name: 'ci',
        status: 'completed',
        conclusion,
        htmlUrl: `https://github.com/acme/app/actions/runs/${this.nextId}`,
      },
    ]);
  }
  async workflowRunsForCommit(_repo: string, sha: string): Promise<WorkflowRunSummary[]> {
    return this.runs.get(sha) ?? [];
  }
  async failedJobs(_repo: string, runIds: readonly number[]): Promise<FailedJob[]> {
    return runIds.map((runId) => ({ runId, jobId: runId * 10, name: 'test' }));
  }
  async permissionOf(): Promise<'write'> {
    return 'write';
  }
  async commentOnIssue(): Promise<void> {}
}

export interface Notification {
  kind: string;
  taskId: string;
  [key: string]: unknown;
}

export interface HarnessOptions {
  scripts: ScriptedModelOptions['scripts'];
  /** Action-group handlers by action group name (the real Lambdas' createHandler, in process). */
  tools?: Record<string, ActionGroupInvoker>;
  /** Tokens per scripted model call (default: grows with the conversation, like a real model). */
  usage?: ScriptedModelOptions['usage'];
  limits?: Partial<LoopLimits>;
  /** The Lambda context each agent-invoker call gets (a deadline, to exercise "continue"). */
  invokerContext?: () => InvocationContext;
  templateVars?: Partial<TemplateVars>;
  taskBudgetUsd?: number;
  dailyBudgetUsd?: number;
  /** CI result per commit, decided at once when the wait registers (else the test finishes CI). */
  ciPlan?: (sha: string, index: number) => 'success' | 'failure' | undefined;
  /** Replaces the in-test registerCiWait handler (e.g. with the real github-actions Lambda). */
  githubActions?: (deps: {
    callback: TaskCallbackPort;
    timeline: TimelineRepository;
    ciWaits: CiWaitStore;
  }) => LocalLambda;
  /**
   * The jira-actions Lambda. Default: the real one against the Jira API fake
   * (`jira` on the harness). `false` leaves it unwired (the runner's stand-in throws).
   */
  jiraActions?: false | ((deps: { timeline: TimelineRepository; jira: JiraFake }) => LocalLambda);
}

export interface Harness {
  dynamo: LocalDynamo;
  tasks: TaskRepository;
  timeline: TimelineRepository;
  costs: CostStore;
  approvals: ApprovalStore;
  ciWaits: CiWaitStore;
  ci: FakeCi;
  /** The Jira Cloud API fake behind the real jira-actions Lambda; Jira tasks' issues are seeded in it. */
  jira: JiraFake;
  /** The scripted model behind the real agent loop: prompts answered and tool calls made. */
  model: ScriptedModel;
  workflow: LocalWorkflow;
  notifications: Notification[];
  createTask(input?: Partial<NewTask>): Promise<Task>;
  start(task: Task, kind?: 'new' | 'fix' | 'revise'): LocalExecution;
  decide(taskId: string, decision: 'approved' | 'rejected', reason?: string): Promise<void>;
  /** The webhook's part: CI finished on a commit, resume whoever waits on it. */
  finishCi(repo: string, sha: string, conclusion: 'success' | 'failure'): Promise<void>;
  close(): Promise<void>;
}

/**
 * The orchestrator wired to the embedded DynamoDB, the real agent-invoker with
 * the scripted runtime, and Slack / GitHub task handlers built on the same core
 * use cases as slack-handler and github-actions (ApprovalStore.request +
 * decideApproval; CiWaitStore.register + resolveCiWaits), and the real
 * jira-actions Lambda against the Jira API fake for the final comments.
 */
export const createHarness = async (options: HarnessOptions): Promise<Harness> => {
  const dynamo = await startDynamo();
  const jira = await startJiraFake();
  const { table } = dynamo;
  const tasks = new TaskRepository(table);
  const timeline = new TimelineRepository(table);
  const costs = new CostStore(table);
  const approvals = new ApprovalStore(table);
  const ciWaits = new CiWaitStore(table);
  const ci = new FakeCi();
  const notifications: Notification[] = [];
  const { model, runtime } = createScriptedAgents({
    table,
    timeline,
    logger: silentLogger(),
    actionGroups: options.tools ?? {},
    scripts: options.scripts,
    ...(options.usage === undefined ? {} : { usage: options.usage }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const handleInvoker = createInvoker({
    tasks,
    timeline,
    costs,
    runtime,
    logger: silentLogger(),
    config: {
      prices: DEFAULT_MODEL_PRICES,
      taskBudgetUsd: options.taskBudgetUsd ?? 10,
      dailyBudgetUsd: options.dailyBudgetUsd ?? 100,
      maxFixAttempts: options.templateVars?.max_fix_attempts ?? 3,
      branchPrefix: 'agent/',
      githubOrg: 'acme',
    },
  });
  const invoker = (event: unknown) => handleInvoker(event, options.invokerContext?.());
  let ciIndex = 0;
  // Assigned below; the handlers only run after the workflow exists.
  let workflow: LocalWorkflow;
  const slackHandler = async (payload: unknown): Promise<unknown> => {
    const p = payload as { action: string; taskId: string; runId: number; taskToken?: string; kind?: string };
    if (p.action === 'requestApproval') {
      await approvals.request({ taskId: p.taskId, runId: p.runId, taskToken: p.taskToken as string });
      await timeline.append(p.taskId, { type: 'approval.requested', message: 'Plan posted for approval' });
      notifications.push({ kind: 'plan_ready', taskId: p.taskId });
      return { posted: true };
    }
    if (p.action === 'notify') {
      const { action: _a, ...rest } = p;
      notifications.push(rest as Notification);
      await timeline.append(p.taskId, { type: 'slack.notify', message: `notified ${p.kind}` });
      return { posted: true };
    }
    throw new Error(`unknown slack action ${p.action}`);
  };
  const githubActions = async (payload: unknown): Promise<unknown> => {
    const p = payload as {
      action: string;
      taskId: string;
      runId: number;
      taskToken: string;
      repo: string;
      headSha: string;
    };
    if (p.action !== 'registerCiWait') throw new Error(`unknown github action ${p.action}`);
    await ciWaits.register({
      repo: p.repo,
      sha: p.headSha,
      taskId: p.taskId,
      runId: p.runId,
      taskToken: p.taskToken,
    });
    const planned = options.ciPlan?.(p.headSha, ciIndex++);
    if (planned !== undefined) ci.finish(p.headSha, planned);
    const resolution = await resolveCiWaits(
      { ciWaits, github: ci, callback: workflow.callbackPort, timeline },
      p.repo,
      p.headSha,
    );
    return { registered: true, resolved: resolution.status === 'resolved' };
  };
  const jiraActions =
    options.jiraActions === false
      ? undefined
      : (options.jiraActions?.({ timeline, jira }) ??
        (createJiraActions({
          jira: new JiraRestClient({
            baseUrl: jira.url,
            credentials: async () => ({ email: 'bot@example.com', apiToken: 'jira-token' }),
            // Retries without real back-off: the state machine's own retry is what the tests look at.
            sleep: async () => undefined,
          }),
          audit: timeline,
          tasks: new DynamoTaskReader(table),
          baseUrl: jira.url,
          allowedProjects: [],
          logger: silentLogger(),
        }) as LocalLambda));
  // The workflow's callback port, reached lazily: the handlers are built before the workflow.
  const callback: TaskCallbackPort = {
    succeed: (token, output) => workflow.callbackPort.succeed(token, output),
    fail: (token, error, cause) => workflow.callbackPort.fail(token, error, cause),
  };
  workflow = createLocalWorkflow({
    handlers: {
      agentInvoker: invoker,
      slackHandler,
      githubActions: options.githubActions?.({ callback, timeline, ciWaits }) ?? githubActions,
      ...(jiraActions === undefined ? {} : { jiraActions }),
    },
    ...(options.templateVars === undefined ? {} : { templateVars: options.templateVars }),
  });
  return {
    dynamo,
    tasks,
    timeline,
    costs,
    approvals,
    ciWaits,
    ci,
    jira,
    model,
    workflow,
    notifications,
    createTask: async (input = {}) => {
      const result = await tasks.createIfNoActive({
        source: TaskSource.Jira,
        externalKey: 'ENG-42',
        title: 'Add rate limiting to the login endpoint',
        context: {
          key: 'ENG-42',
          title: 'Add rate limiting to the login endpoint',
          description: 'Brute force attempts seen.',
        },
        ...input,
      });
      if (!result.created) throw new Error('task exists');
      const { source, externalKey, title } = result.task;
      if (source === TaskSource.Jira && !jira.issues.has(externalKey))
        jira.seedIssue({ key: externalKey, summary: title });
      await timeline.append(result.task.taskId, { type: 'task.created', message: 'created by test' });
      return result.task;
    },
    start: (task, kind = 'new') =>
      workflow.start({ taskId: task.taskId, runId: task.runId, source: task.source, kind }),
    decide: async (taskId, decision, reason) => {
      const outcome = await decideApproval(
        { tasks, approvals, timeline, callback: workflow.callbackPort },
        {
          taskId,
          decision: decision === 'approved' ? ApprovalDecision.Approved : ApprovalDecision.Rejected,
          by: 'U0APPROVER',
          via: 'slack',
          ...(reason === undefined ? {} : { reason }),
        },
      );
      if (outcome.status !== 'decided') throw new Error(`decision not applied: ${outcome.status}`);
    },
    finishCi: async (repo, sha, conclusion) => {
      ci.finish(sha, conclusion);
      await resolveCiWaits({ ciWaits, github: ci, callback: workflow.callbackPort, timeline }, repo, sha);
    },
    close: async () => {
      for (const execution of workflow.executions.values()) execution.abort();
      await workflow.idle();
      await Promise.all([dynamo.stop(), jira.close()]);
    },
  };
};

const sha = (n: number): string => n.toString(16).padStart(40, 'a');

/** Scripts that answer without tools: the shape of each agent's result. */
export const plainScripts = {
  discovery: (async () =>
    'Searching the org…\n```json\n{"repositories":[{"repo":"acme/app","confidence":0.9,"reason":"login code lives here"}],"summary":"acme/app owns login"}\n```') as AgentScript,
  planning: (async () =>
    'Plan written.\n{"repo":"acme/app","branch":"agent/ENG-42-add-rate-limiting","prNumber":7,"prUrl":"https://github.com/acme/app/pull/7","summary":"Add a token bucket to /login","estimatedScope":"small"}') as AgentScript,
  execution: (async () =>
    `Done.\n{"headSha":"${sha(1)}","filesChanged":["src/login.ts","test/login.test.ts"],"summary":"token bucket added","testsAdded":true}`) as AgentScript,
  cicd: (async (ctx) =>
    `Fixed the flaky assertion.\n{"fixPushed":true,"headSha":"${sha(100 + ctx.call)}","diagnosis":"off-by-one in limiter window"}`) as AgentScript,
};

export const shaOf = sha;
