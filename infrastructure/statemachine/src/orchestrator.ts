/**
 * The orchestrator (docs/contracts.md, "State machine template variables"): the
 * source of infrastructure/statemachine/orchestrator.asl.json. Edit this file, then
 * run `npm run generate:statemachine`; a test fails while the two differ.
 *
 * Terraform's templatefile() renders the generated file. Every placeholder sits
 * inside a JSON string; the numeric ones are parsed once by InitRun into
 * `$.config`, which the states read through `TimeoutSecondsPath`,
 * `NumericLessThanPath` and `.$` paths.
 */
import {
  type Catcher,
  type ChoiceState,
  fromInput,
  LAMBDA_INVOKE,
  LAMBDA_INVOKE_WAIT,
  on,
  type PassState,
  type Retrier,
  retry,
  type StateMachine,
  type States,
  serialize,
  type TaskState,
  type Template,
  tf,
  tfNumber,
} from './asl';

/** The Lambdas the states call, as Terraform passes their ARNs. */
const FN = {
  invoker: tf('agent_invoker_arn'),
  slack: tf('slack_handler_arn'),
  github: tf('github_actions_arn'),
  jira: tf('jira_actions_arn'),
} as const;

/** The agent-invoker Lambda's own timeout (Terraform): an agent step never outlives it. */
const AGENT_TIMEOUT_SECONDS = 900;
/** Every other Lambda call is a few DynamoDB or API requests. */
const CALL_TIMEOUT_SECONDS = 60;

// ---------------------------------------------------------------- retry policies

/** The invoke itself failed or was throttled by Lambda. */
const LAMBDA_ERRORS = retry(
  [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  { interval: 2, attempts: 4, maxDelay: 30 },
);
/** A throttled or failing table (or other AWS API) inside the handler, e.g. during the claim. */
const STORE_ERRORS = retry(
  [
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'InternalServerError',
    'ServiceUnavailable',
  ],
  { interval: 1, attempts: 5, maxDelay: 20 },
);
/** Every Task retries these. */
const TRANSIENT: Retrier[] = [LAMBDA_ERRORS, STORE_ERRORS];
/** Agent steps also wait out model throttling and short outages. */
const AGENT_RETRY: Retrier[] = [
  ...TRANSIENT,
  retry(['AgentThrottled'], { interval: 10, attempts: 5, maxDelay: 120 }),
  retry(['AgentUnavailable'], { interval: 15, attempts: 2, maxDelay: 60 }),
];
const JIRA_RETRY: Retrier[] = [
  ...TRANSIENT,
  retry(['JiraUnavailable'], { interval: 10, attempts: 2, backoff: 3, maxDelay: 60 }),
];

// ---------------------------------------------------------------- catch policies

/** The task was stopped or a newer run owns it: end without touching it. */
const SUPERSEDED = on('TaskNotActive', 'RunSuperseded');
/** Anything unexpected: record it on the task and escalate. */
const UNEXPECTED = on('States.ALL', 'HandleError', '$.error');
const STEP_CATCH: Catcher[] = [SUPERSEDED, UNEXPECTED];
const AGENT_CATCH: Catcher[] = [SUPERSEDED, on('BudgetExceeded', 'BudgetExceeded', '$.error'), UNEXPECTED];
/** Best-effort calls (Slack, Jira): a failure goes on exactly like a success, state unchanged. */
const bestEffort = (next: string): Catcher[] => [on('States.ALL', next, null)];

// ---------------------------------------------------------------- state builders

/** Every payload names the task and the run. */
const RUN = fromInput('taskId', 'runId');

interface CallOptions {
  comment?: string;
  /** Default CALL_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  resultSelector?: Template;
  resultPath: string | null;
  /** Default TRANSIENT. */
  retry?: Retrier[];
  catch: Catcher[];
  next: string;
  /** `.waitForTaskToken`: the handler stores `$$.Task.Token`; someone completes it later. */
  waitForTaskToken?: boolean;
}

/** A Lambda call. */
const call = (functionName: string, payload: Template, options: CallOptions): TaskState => ({
  Type: 'Task',
  ...(options.comment === undefined ? {} : { Comment: options.comment }),
  Resource: options.waitForTaskToken === true ? LAMBDA_INVOKE_WAIT : LAMBDA_INVOKE,
  Parameters: { FunctionName: functionName, Payload: payload },
  ...(options.timeoutSecondsPath === undefined
    ? { TimeoutSeconds: options.timeoutSeconds ?? CALL_TIMEOUT_SECONDS }
    : { TimeoutSecondsPath: options.timeoutSecondsPath }),
  ...(options.resultSelector === undefined ? {} : { ResultSelector: options.resultSelector }),
  ResultPath: options.resultPath,
  Retry: options.retry ?? TRANSIENT,
  Catch: options.catch,
  Next: options.next,
});

/** agent-invoker `recordStep`: a status change with a timeline message. */
const recordStep = (status: string, message: string, comment: string, next: string): TaskState =>
  call(
    FN.invoker,
    { action: 'recordStep', ...RUN, status, 'message.$': message },
    {
      comment,
      resultPath: null,
      catch: STEP_CATCH,
      next,
    },
  );

/** A Slack message in the task's thread (best effort). */
const notify = (comment: string, payload: Template, next: string): TaskState =>
  call(
    FN.slack,
    { action: 'notify', ...RUN, ...payload },
    {
      comment,
      resultPath: null,
      catch: bestEffort(next),
      next,
    },
  );

/** A planned escalation: why, in `$.escalation`, then Escalate. */
const escalation = (parameters: Template, comment?: string): PassState => ({
  Type: 'Pass',
  ...(comment === undefined ? {} : { Comment: comment }),
  Parameters: parameters,
  ResultPath: '$.escalation',
  Next: 'Escalate',
});

type AgentName = 'discovery' | 'planning' | 'execution' | 'cicd';
interface AgentStep {
  agent: AgentName;
  /** The task status while the agent works. */
  status: string;
  /** What the agent works from (agent-invoker's AgentStepInput). */
  input: Template;
  comment: string;
  /** Where the workflow goes once the agent has finished (a state, or another agent step). */
  next: string;
}

/** The eight agent steps: each is an agent-invoker `invokeAgent` call whose result lands in `$.step`. */
const AGENT_STEPS: Record<string, AgentStep> = {
  Discover: {
    agent: 'discovery',
    status: 'DISCOVERING',
    input: { context: 'ticket' },
    comment: 'Rank the repositories the ticket touches.',
    next: 'Plan',
  },
  Plan: {
    agent: 'planning',
    status: 'PLANNING',
    input: { context: 'ticket', 'discovery.$': '$.step.output' },
    comment: 'Branch + PLAN.md + draft PR + Jira comment.',
    next: 'RecordAwaitingApproval',
  },
  DiscoverFromSentry: {
    agent: 'discovery',
    status: 'DISCOVERING',
    input: { context: 'sentry' },
    comment: 'Rank the repositories from the Sentry stack trace (in-app frames).',
    next: 'PlanSentryFix',
  },
  PlanSentryFix: {
    agent: 'planning',
    status: 'PLANNING',
    input: { context: 'sentry', 'discovery.$': '$.step.output' },
    comment: 'A bug-fix plan for the Sentry error: reproduce with a failing test, then fix.',
    next: 'RecordAwaitingApproval',
  },
  Execute: {
    agent: 'execution',
    status: 'EXECUTING',
    input: { 'plan.$': '$.step.output' },
    comment: 'Implement the plan test-first and push to the PR branch.',
    next: 'RecordAwaitingCi',
  },
  Revise: {
    agent: 'execution',
    status: 'EXECUTING',
    input: { revision: true },
    comment: 'Apply the review feedback on the existing branch.',
    next: 'RecordAwaitingCi',
  },
  FixFromCommand: {
    agent: 'cicd',
    status: 'FIXING',
    input: { trigger: 'command', 'attempt.$': '$.loop.attempts' },
    comment: 'Fix what the /agent fix feedback (and the last CI failure) describes, on the existing branch.',
    next: 'CheckFixPushed',
  },
  AutoFix: {
    agent: 'cicd',
    status: 'FIXING',
    input: { trigger: 'ci', 'attempt.$': '$.loop.attempts', 'ci.$': '$.ci' },
    comment: 'Read the failed job logs and push a fix.',
    next: 'CheckFixPushed',
  },
};

/** An input read from `$.step` (the previous step's result) would be lost when the step continues. */
const readsPreviousStep = (step: AgentStep): boolean => JSON.stringify(step.input).includes('"$.step');

/** The first state of an agent step (its input Pass when it has one); any other state as is. */
const entry = (name: string): string => {
  const step = AGENT_STEPS[name];
  return step !== undefined && readsPreviousStep(step) ? `Start${name}` : name;
};

/**
 * An agent step and its continue loop. agent-invoker stops before its Lambda
 * deadline with the conversation stored and returns `continue: true`; the same
 * Task then runs again with `continuation` = how many times it was continued,
 * at most `max_agent_continues` times, else the task escalates. `$.continues.count`
 * is 0 whenever a step starts (InitRun; reset when a continued step finishes).
 * A step whose input reads `$.step` first fixes it in `$.stepInput` (Start…),
 * because each run of the Task overwrites `$.step`.
 */
const agentStep = (name: string): States => {
  const step = AGENT_STEPS[name];
  if (step === undefined) throw new Error(`no agent step ${name}`);
  const fixesInput = readsPreviousStep(step);
  const check = `Check${name}Continue`;
  const again = `Continue${name}`;
  const limit = `${name}NotFinished`;
  const finished = `${name}Finished`;
  const next = entry(step.next);
  const startState: PassState = {
    Type: 'Pass',
    Comment: `The input of ${name}, fixed before it runs: a continued run gets the same.`,
    Parameters: step.input,
    ResultPath: '$.stepInput',
    Next: name,
  };
  const checkState: ChoiceState = {
    Type: 'Choice',
    Comment: `${name} stopped before the Lambda deadline (continue): run it again, up to max_agent_continues times.`,
    Choices: [
      {
        And: [
          { Variable: '$.step.continue', BooleanEquals: true },
          { Variable: '$.continues.count', NumericLessThanPath: '$.config.maxAgentContinues' },
        ],
        Next: again,
      },
      { Variable: '$.step.continue', BooleanEquals: true, Next: limit },
      { Variable: '$.continues.count', NumericGreaterThan: 0, Next: finished },
    ],
    Default: next,
  };
  return {
    ...(fixesInput ? { [`Start${name}`]: startState } : {}),
    [name]: call(
      FN.invoker,
      {
        action: 'invokeAgent',
        agent: step.agent,
        ...RUN,
        status: step.status,
        ...(fixesInput ? { 'input.$': '$.stepInput' } : { input: step.input }),
        'continuation.$': '$.continues.count',
      },
      {
        comment: step.comment,
        timeoutSeconds: AGENT_TIMEOUT_SECONDS,
        resultSelector: {
          'agent.$': '$.Payload.agent',
          'continue.$': '$.Payload.continue',
          'output.$': '$.Payload.output',
          'work.$': '$.Payload.work',
        },
        resultPath: '$.step',
        retry: AGENT_RETRY,
        catch: AGENT_CATCH,
        next: check,
      },
    ),
    [check]: checkState,
    [again]: {
      Type: 'Pass',
      Parameters: { 'count.$': 'States.MathAdd($.continues.count, 1)' },
      ResultPath: '$.continues',
      Next: name,
    },
    [limit]: escalation({
      kind: 'escalated',
      reason: `agent step ${name} did not finish within ${tf('max_agent_continues')} continuations`,
    }),
    [finished]: {
      Type: 'Pass',
      Comment: 'The next agent step starts counting from 0.',
      Result: { count: 0 },
      ResultPath: '$.continues',
      Next: next,
    },
  };
};

interface FinishTail {
  /** The agent-invoker `finishTask` state. */
  finish: {
    name: string;
    comment: string;
    status: 'COMPLETED' | 'REJECTED' | 'ESCALATED';
    fields: Template;
    catch?: Catcher[];
  };
  /** Suffix of the Notify…, RouteJira… and CommentJira… states. */
  outcome: 'Completed' | 'Rejected' | 'Escalated';
  slack: { comment: string; payload: Template };
  jira: { comment: string; fields?: Template };
  /** The state every path of the tail ends in. */
  end: { name: string; state: States[string] };
}

/**
 * How a run ends: record the final status, tell the Slack thread, comment on the
 * Jira issue (Jira tasks only), end. Slack and Jira failures never change the outcome.
 */
const finishTail = (tail: FinishTail): States => {
  const notifyName = `Notify${tail.outcome}`;
  const route = `RouteJira${tail.outcome}`;
  const comment = `CommentJira${tail.outcome}`;
  const routeState: ChoiceState = {
    Type: 'Choice',
    Comment: 'Only Jira tasks have an issue to comment on (Sentry and GitHub tasks skip it).',
    Choices: [{ Variable: '$.source', StringEquals: 'jira', Next: comment }],
    Default: tail.end.name,
  };
  return {
    [tail.finish.name]: call(
      FN.invoker,
      { action: 'finishTask', ...RUN, status: tail.finish.status, ...tail.finish.fields },
      {
        comment: tail.finish.comment,
        resultSelector: { 'status.$': '$.Payload.status', 'reason.$': '$.Payload.reason' },
        resultPath: '$.finished',
        catch: tail.finish.catch ?? STEP_CATCH,
        next: notifyName,
      },
    ),
    [notifyName]: notify(tail.slack.comment, tail.slack.payload, route),
    [route]: routeState,
    [comment]: call(
      FN.jira,
      {
        action: 'commentOnIssue',
        kind: tail.outcome.toLowerCase(),
        ...RUN,
        'prUrl.$': '$.step.work.prUrl',
        ...tail.jira.fields,
        'reason.$': '$.finished.reason',
      },
      {
        comment: tail.jira.comment,
        resultPath: null,
        retry: JIRA_RETRY,
        catch: bestEffort(tail.end.name),
        next: tail.end.name,
      },
    ),
    [tail.end.name]: tail.end.state,
  };
};

// ---------------------------------------------------------------- the workflow

/** The orchestrator definition, placeholders unrendered. */
export const orchestrator = (): StateMachine => ({
  Comment:
    'Enterprise Agents orchestrator. GENERATED from infrastructure/statemachine/src/orchestrator.ts by `npm run generate:statemachine`: do not edit. Rendered by Terraform templatefile() and by packages/local with the same variables; input is the TaskRequested detail {taskId, runId, source, kind}.',
  StartAt: 'ClaimTask',
  States: {
    ClaimTask: call(
      FN.invoker,
      {
        action: 'claimTask',
        ...fromInput('taskId', 'runId', 'source', 'kind'),
        'executionArn.$': '$$.Execution.Id',
      },
      {
        comment:
          'Conditional claim: exactly one execution owns a run of the task; a duplicate start ends quietly.',
        resultSelector: { agent: 'claim', 'output.$': '$.Payload.output', 'work.$': '$.Payload.work' },
        resultPath: '$.step',
        catch: [on('TaskAlreadyClaimed', 'DuplicateStart', null), on('States.ALL', 'ClaimFailed', '$.error')],
        next: 'InitRun',
      },
    ),
    DuplicateStart: {
      Type: 'Succeed',
      Comment: 'Another execution owns this run (EventBridge redelivery or replay): nothing to do.',
    },
    ClaimFailed: {
      Type: 'Fail',
      Error: 'ClaimFailed',
      Cause: 'The task could not be claimed (missing task or invoker failure); nothing was changed.',
    },
    InitRun: {
      Type: 'Pass',
      Comment:
        "The run's state: the claimed task, the settings Terraform rendered (parsed here, so the template stays valid JSON), the fix-loop counter (CI/CD agent runs so far) and the continue counter of the current agent step.",
      Parameters: {
        ...fromInput('taskId', 'runId', 'source', 'kind', 'step'),
        config: {
          'approvalTimeoutSeconds.$': tfNumber('approval_timeout_seconds'),
          'ciTimeoutSeconds.$': tfNumber('ci_timeout_seconds'),
          'maxFixAttempts.$': tfNumber('max_fix_attempts'),
          'maxAgentContinues.$': tfNumber('max_agent_continues'),
        },
        loop: { attempts: 0 },
        continues: { count: 0 },
      },
      // No ResultPath: the new state replaces the input (it carries every field over).
      Next: 'RouteRun',
    },
    RouteRun: {
      Type: 'Choice',
      Comment: 'GitHub commands work on the existing branch; new tasks route on their source.',
      Choices: [
        { Variable: '$.kind', StringEquals: 'fix', Next: 'StartCommandFix' },
        { Variable: '$.kind', StringEquals: 'revise', Next: 'NotifyRevisionStarted' },
        { Variable: '$.source', StringEquals: 'sentry', Next: entry('DiscoverFromSentry') },
      ],
      Default: entry('Discover'),
    },

    // New tasks: discover, plan, approve, execute.
    ...agentStep('Discover'),
    ...agentStep('Plan'),
    ...agentStep('DiscoverFromSentry'),
    ...agentStep('PlanSentryFix'),
    RecordAwaitingApproval: recordStep(
      'AWAITING_APPROVAL',
      "States.Format('Plan ready for approval: {}', $.step.output.prUrl)",
      'Status AWAITING_APPROVAL before the request, so a fast click finds the task waiting.',
      'RequestApproval',
    ),
    RequestApproval: call(
      FN.slack,
      { action: 'requestApproval', 'taskToken.$': '$$.Task.Token', ...RUN, 'plan.$': '$.step.output' },
      {
        comment:
          'slack-handler posts Approve/Reject and stores the token; decideApproval completes it (Slack or /agent approve).',
        waitForTaskToken: true,
        timeoutSecondsPath: '$.config.approvalTimeoutSeconds',
        resultPath: '$.approval',
        catch: [
          on('Rejected', 'FinishRejected', '$.error'),
          on('States.Timeout', 'ApprovalTimedOut', '$.error'),
          UNEXPECTED,
        ],
        next: 'NotifyExecutionStarted',
      },
    ),
    NotifyExecutionStarted: notify(
      'Slack thread: the plan was approved, execution starts.',
      { kind: 'execution_started', 'prUrl.$': '$.step.work.prUrl', 'by.$': '$.approval.by' },
      entry('Execute'),
    ),
    ...agentStep('Execute'),

    // GitHub commands on an existing pull request.
    NotifyRevisionStarted: notify(
      'Slack thread: a revision run starts on the existing PR.',
      { kind: 'execution_started', 'prUrl.$': '$.step.work.prUrl', revision: true },
      entry('Revise'),
    ),
    ...agentStep('Revise'),
    StartCommandFix: {
      Type: 'Pass',
      Comment: 'A /agent fix run is itself a CI/CD agent run and counts toward the limit.',
      Result: { attempts: 1 },
      ResultPath: '$.loop',
      Next: entry('FixFromCommand'),
    },
    ...agentStep('FixFromCommand'),

    // The CI loop.
    RecordAwaitingCi: recordStep(
      'AWAITING_CI',
      "States.Format('Waiting for CI on {}', $.step.work.headSha)",
      'Status AWAITING_CI on the new head commit.',
      'WaitForCI',
    ),
    WaitForCI: call(
      FN.github,
      {
        action: 'registerCiWait',
        'taskToken.$': '$$.Task.Token',
        ...RUN,
        'repo.$': '$.step.work.repo',
        'headSha.$': '$.step.work.headSha',
      },
      {
        comment:
          'github-actions registers a CIWAIT on the head SHA (completing at once if CI already finished); the workflow_run webhook resumes it. Nothing runs while CI runs.',
        waitForTaskToken: true,
        timeoutSecondsPath: '$.config.ciTimeoutSeconds',
        resultPath: '$.ci',
        catch: [on('States.Timeout', 'CiTimedOut', '$.error'), UNEXPECTED],
        next: 'CheckCI',
      },
    ),
    CheckCI: {
      Type: 'Choice',
      Comment:
        'Green: complete. Red: another CI/CD agent run while attempts < max_fix_attempts, else escalate.',
      Choices: [
        {
          And: [
            { Variable: '$.ci.success', BooleanEquals: true },
            { Variable: '$.loop.attempts', NumericGreaterThan: 0 },
          ],
          Next: 'NotifyFixed',
        },
        { Variable: '$.ci.success', BooleanEquals: true, Next: 'FinishCompleted' },
        {
          Variable: '$.loop.attempts',
          NumericLessThanPath: '$.config.maxFixAttempts',
          Next: 'CountFixAttempt',
        },
      ],
      Default: 'FixLimitReached',
    },
    CountFixAttempt: {
      Type: 'Pass',
      Parameters: { 'attempts.$': 'States.MathAdd($.loop.attempts, 1)' },
      ResultPath: '$.loop',
      Next: 'NotifyCiFailed',
    },
    NotifyCiFailed: notify(
      'Slack thread: CI failed, fix attempt n of max.',
      {
        kind: 'ci_failed',
        'attempt.$': '$.loop.attempts',
        'maxAttempts.$': '$.config.maxFixAttempts',
        'summary.$': '$.ci.summary',
        'failedJobs.$': '$.ci.failedJobs',
        'headSha.$': '$.ci.headSha',
        'prUrl.$': '$.step.work.prUrl',
      },
      entry('AutoFix'),
    ),
    ...agentStep('AutoFix'),
    CheckFixPushed: {
      Type: 'Choice',
      Comment:
        'No new commit means CI would only fail again on the same SHA: escalate now instead of burning attempts.',
      Choices: [{ Variable: '$.step.output.fixPushed', BooleanEquals: false, Next: 'NoFixPushed' }],
      Default: 'RecordAwaitingCi',
    },
    NotifyFixed: notify(
      'Slack thread: CI is green again after the automatic fix.',
      {
        kind: 'fixed',
        'attempt.$': '$.loop.attempts',
        'summary.$': '$.ci.summary',
        'prUrl.$': '$.step.work.prUrl',
      },
      'FinishCompleted',
    ),

    // How a run ends.
    ...finishTail({
      finish: {
        name: 'FinishCompleted',
        comment: 'Task COMPLETED on green CI; the PR stays a draft for human review.',
        status: 'COMPLETED',
        fields: { 'reason.$': '$.ci.summary' },
      },
      outcome: 'Completed',
      slack: {
        comment: 'Slack "ready for review"; the Jira comment follows for Jira tasks.',
        payload: { kind: 'completed', 'prUrl.$': '$.step.work.prUrl', 'summary.$': '$.ci.summary' },
      },
      jira: {
        comment:
          'Jira comment "ready for review" with the PR link (idempotent: the comment carries a task/run/kind marker). A Jira failure never changes the outcome: everything is caught.',
        fields: { 'summary.$': '$.ci.summary' },
      },
      end: { name: 'Completed', state: { Type: 'Succeed' } },
    }),
    ...finishTail({
      finish: {
        name: 'FinishRejected',
        comment: "Task REJECTED with the approver's reason.",
        status: 'REJECTED',
        fields: { 'reason.$': '$.error.Cause' },
      },
      outcome: 'Rejected',
      slack: {
        comment: 'Slack thread: plan rejected.',
        payload: { kind: 'rejected', 'reason.$': '$.finished.reason' },
      },
      jira: {
        comment:
          "Jira comment: plan rejected, with the approver's reason. Failures are caught: the task stays REJECTED.",
      },
      end: { name: 'RejectedEnd', state: { Type: 'Succeed' } },
    }),

    // Escalations: each says why in $.escalation, then Escalate records it.
    ApprovalTimedOut: escalation({
      kind: 'escalated',
      reason: `No approval decision within ${tf('approval_timeout_seconds')} seconds`,
    }),
    CiTimedOut: escalation({
      kind: 'escalated',
      reason: `CI did not finish within ${tf('ci_timeout_seconds')} seconds`,
      'headSha.$': '$.step.work.headSha',
    }),
    FixLimitReached: escalation({
      kind: 'escalated',
      'reason.$':
        "States.Format('CI still failing after {} fix attempt(s): {}', $.loop.attempts, $.ci.summary)",
    }),
    NoFixPushed: escalation({
      kind: 'escalated',
      'reason.$': "States.Format('The CI/CD agent pushed no fix: {}', $.step.output.diagnosis)",
    }),
    BudgetExceeded: escalation({
      kind: 'budget_exceeded',
      'error.$': '$.error.Error',
      'cause.$': '$.error.Cause',
    }),
    HandleError: escalation(
      { kind: 'escalated', unexpected: true, 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
      'Any uncaught error: record it on the task and escalate, then fail the execution so alarms see it.',
    ),
    ...finishTail({
      finish: {
        name: 'Escalate',
        comment:
          'Task ESCALATED with the reason (or the sanitized error). Its own failure ends the execution: no loop back into HandleError.',
        status: 'ESCALATED',
        fields: { 'escalation.$': '$.escalation' },
        catch: [
          on('TaskNotActive', 'RunSuperseded', null),
          on('States.ALL', 'EscalationNotRecorded', '$.escalationError'),
        ],
      },
      outcome: 'Escalated',
      slack: {
        comment: 'Slack thread: a human must take over (escalated or budget_exceeded).',
        payload: {
          'kind.$': '$.escalation.kind',
          'reason.$': '$.finished.reason',
          'prUrl.$': '$.step.work.prUrl',
        },
      },
      jira: {
        comment:
          'Jira comment: a human must take over, with the reason. Failures are caught: the task stays ESCALATED.',
      },
      end: {
        name: 'EscalationEnd',
        state: {
          Type: 'Choice',
          Choices: [{ Variable: '$.escalation.unexpected', IsPresent: true, Next: 'EscalatedOnError' }],
          Default: 'Escalated',
        },
      },
    }),
    Escalated: {
      Type: 'Succeed',
      Comment: 'A planned escalation (timeout, fix limit, budget): the workflow did its job.',
    },
    EscalatedOnError: {
      Type: 'Fail',
      Error: 'TaskEscalated',
      Cause: 'An unexpected error escalated the task; see the task timeline for the sanitized error.',
    },
    EscalationNotRecorded: {
      Type: 'Fail',
      Error: 'EscalationNotRecorded',
      Cause: 'The task could not be marked ESCALATED; see the execution history.',
    },
    RunSuperseded: {
      Type: 'Succeed',
      Comment: 'The task was stopped or a newer run owns it: end without touching it.',
    },
  },
});

/** The committed file's exact text. */
export const orchestratorJson = (): string => serialize(orchestrator());
