import { randomUUID } from 'node:crypto';
import type {
  EventPublisherPort,
  ExecutionControlPort,
  TaskCallbackPort,
  TaskRequestedEvent,
} from '@enterprise-agents/core/workflow';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { BrokerCallbackPort, TaskTokenBroker } from './broker';
import { DEFAULT_TEMPLATE_VARS, renderOrchestrator, type TemplateVars } from './template';

// aws-local-stepfunctions calls Promise.withResolvers (Node 22+); the dev machines run Node 20.
const withResolvers = function withResolvers<T>(this: PromiseConstructor) {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new this<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};
(Promise as unknown as { withResolvers?: unknown }).withResolvers ??= withResolvers;

/** A Lambda handler as the state machine calls it: the Payload in, the result out. */
export type LocalLambda = (payload: unknown) => Promise<unknown>;

export interface LocalWorkflowHandlers {
  agentInvoker: LocalLambda;
  slackHandler: LocalLambda;
  githubActions: LocalLambda;
  /**
   * The jira-actions Lambda (final Jira comments). Optional so callers written
   * before it existed keep working: without it those states fail with a clear
   * error, which the state machine catches (the run's outcome is unchanged).
   */
  jiraActions?: LocalLambda;
}

/** Stands in for a jira-actions handler nobody wired: fails the way a missing Lambda would, loudly. */
const missingJiraActions: LocalLambda = async (payload) => {
  const action = (payload as { action?: unknown } | null)?.action;
  throw new Error(
    `jira-actions is not wired into this local workflow (action ${String(action)}); pass handlers.jiraActions`,
  );
};

export interface LocalWorkflowOptions {
  handlers: LocalWorkflowHandlers;
  /** Rendered into the template (e.g. `approval_timeout_seconds: 1` for a timeout test). */
  templateVars?: Partial<TemplateVars>;
  /** Override the template text (tests of broken definitions). */
  template?: string;
  /** Real retry back-off is skipped unless set (milliseconds per retry). */
  retryIntervalMs?: number;
  /** Called when an execution ends (the dev server logs it). */
  onExecutionEnd?: (execution: ExecutionRecord) => void;
}

export const ExecutionStatus = {
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  Aborted: 'ABORTED',
  TimedOut: 'TIMED_OUT',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/** One history event, reduced to what tests and the demo print. */
export interface HistoryEvent {
  type: string;
  state?: string;
  error?: string;
  cause?: unknown;
}

/** A Lambda call the state machine made. */
export interface LambdaCall {
  stateName: string;
  functionName: string;
  action: string | undefined;
  payload: unknown;
  waitForTaskToken: boolean;
}

export interface ExecutionRecord {
  executionArn: string;
  input: TaskRequestedEvent | Record<string, unknown>;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  calls: LambdaCall[];
  /** States entered, in order. */
  path: string[];
  /** Billable state transitions: states entered plus retries. */
  transitions: number;
}

export interface LocalExecution {
  executionArn: string;
  record: ExecutionRecord;
  /** Settles when the execution ends (never rejects). */
  done: Promise<ExecutionRecord>;
  abort(): void;
}

const EXECUTION_ARN_PREFIX =
  'arn:aws:states:us-east-1:000000000000:execution:enterprise-agents-orchestrator:';

interface TaskStateDefinition {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;

/** Where the runner carries a Task's TimeoutSecondsPath value (see emulateTimeoutSecondsPath). */
const LOCAL_TIMEOUT_KEY = 'localTimeoutSeconds';

/**
 * AWS resolves a Task's TimeoutSecondsPath against the state input;
 * aws-local-stepfunctions resolves it against the Parameters output. Evaluating
 * the path once more inside Parameters (against the state input, as AWS does)
 * and pointing TimeoutSecondsPath at that copy gives the AWS timeout locally.
 * The Lambda handlers never see the extra field (only FunctionName and Payload
 * are passed on).
 */
export const emulateTimeoutSecondsPath = (definition: StateMachineDefinition): StateMachineDefinition => {
  const copy = clone(definition);
  for (const state of Object.values(copy.States as unknown as Record<string, Record<string, unknown>>)) {
    const path = state.TimeoutSecondsPath;
    const parameters = state.Parameters as Record<string, unknown> | undefined;
    if (state.Type !== 'Task' || typeof path !== 'string' || parameters === undefined) continue;
    state.Parameters = { ...parameters, [`${LOCAL_TIMEOUT_KEY}.$`]: path };
    state.TimeoutSecondsPath = `$.${LOCAL_TIMEOUT_KEY}`;
  }
  return copy;
};

/** A Lambda function error as Step Functions reports it: errorType as name, the JSON error as Cause. */
class LambdaFunctionError extends Error {
  constructor(error: unknown) {
    const err = error instanceof Error ? error : new Error(String(error));
    super(JSON.stringify({ errorType: err.name, errorMessage: err.message }));
    this.name = err.name;
  }
}

/**
 * The orchestrator on one machine: the real orchestrator.asl.json (rendered with
 * the Terraform variables) executed by aws-local-stepfunctions, every Task state
 * overridden by the real in-process handler its FunctionName names, and task
 * tokens delivered through an in-process broker.
 */
export const createLocalWorkflow = (options: LocalWorkflowOptions) => {
  const vars: TemplateVars = { ...DEFAULT_TEMPLATE_VARS, ...options.templateVars };
  const definition = renderOrchestrator(vars, options.template) as unknown as StateMachineDefinition;
  const machine = new StateMachine(emulateTimeoutSecondsPath(definition), {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const broker = new TaskTokenBroker();
  const callbackPort: TaskCallbackPort = new BrokerCallbackPort(broker);
  const executions = new Map<string, LocalExecution>();
  const byArn: Record<string, LocalLambda> = {
    [vars.agent_invoker_arn]: options.handlers.agentInvoker,
    [vars.slack_handler_arn]: options.handlers.slackHandler,
    [vars.github_actions_arn]: options.handlers.githubActions,
    [vars.jira_actions_arn]: options.handlers.jiraActions ?? missingJiraActions,
  };

  // Every Task must be overridden, or the library would call real Lambda: resolve them all up front.
  const taskStates = Object.entries(definition.States as Record<string, TaskStateDefinition>).filter(
    ([, state]) => state.Type === 'Task',
  );
  const retryOverrides: Record<string, number> = {};
  for (const [name, state] of taskStates) {
    const functionName = state.Parameters?.FunctionName;
    if (functionName === undefined || byArn[functionName] === undefined)
      throw new Error(
        `Task state ${name} calls ${functionName ?? state.Resource}, which has no local handler`,
      );
    if (
      state.Resource !== 'arn:aws:states:::lambda:invoke' &&
      state.Resource !== 'arn:aws:states:::lambda:invoke.waitForTaskToken'
    )
      throw new Error(`Task state ${name} uses ${state.Resource}, which the local runner does not emulate`);
    retryOverrides[name] = options.retryIntervalMs ?? 0;
  }

  const overridesFor = (record: ExecutionRecord, placeholder: string) =>
    Object.fromEntries(
      taskStates.map(([stateName, state]) => {
        const waits = state.Resource?.endsWith('.waitForTaskToken') === true;
        const run = async (input: unknown): Promise<unknown> => {
          const { FunctionName, Payload } = clone(input) as {
            FunctionName: string;
            Payload: Record<string, unknown>;
          };
          const handler = byArn[FunctionName] as LocalLambda;
          const payload = { ...Payload };
          let token: string | undefined;
          if (waits) {
            // $$.Task.Token is static per local execution: give every wait its own token, as AWS does.
            token = `${record.executionArn.slice(EXECUTION_ARN_PREFIX.length)}:${stateName}:${randomUUID()}`;
            for (const [key, value] of Object.entries(payload))
              if (value === placeholder) payload[key] = token;
          }
          record.calls.push({
            stateName,
            functionName: FunctionName,
            action: typeof payload.action === 'string' ? payload.action : undefined,
            payload: clone(payload),
            waitForTaskToken: waits,
          });
          if (token !== undefined) {
            // Registered before the call: a handler may complete the token before it returns.
            const pending = broker.register({
              token,
              executionArn: record.executionArn,
              stateName,
              payload: clone(payload),
            });
            // Discarded tokens reject; the emulator may no longer be listening by then.
            pending.catch(() => undefined);
            try {
              await handler(clone(payload));
            } catch (error) {
              broker.discard((entry) => entry.token === token);
              throw new LambdaFunctionError(error);
            }
            return pending;
          }
          try {
            const result = await handler(clone(payload));
            return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: clone(result) };
          } catch (error) {
            throw new LambdaFunctionError(error);
          }
        };
        return [stateName, run];
      }),
    );

  const start = (input: TaskRequestedEvent | Record<string, unknown>): LocalExecution => {
    const name = randomUUID();
    const executionArn = `${EXECUTION_ARN_PREFIX}${name}`;
    const placeholder = `local-task-token:${name}`;
    const record: ExecutionRecord = {
      executionArn,
      input: clone(input),
      status: ExecutionStatus.Running,
      history: [],
      calls: [],
      path: [],
      transitions: 0,
    };
    const execution = machine.run(clone(input) as never, {
      overrides: {
        // The library types handlers as JSON in/out; ours pass JSON through unchanged.
        taskResourceLocalHandlers: overridesFor(record, placeholder) as NonNullable<
          NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']
        >,
        retryIntervalOverrides: retryOverrides,
      },
      context: { Execution: { Id: executionArn, Name: name }, Task: { Token: placeholder } },
      noThrowOnAbort: true,
    });
    const logs = (async () => {
      for await (const event of execution.eventLogs) {
        const e = event as unknown as {
          type: string;
          state?: { name: string };
          Error?: string;
          Cause?: unknown;
        };
        record.history.push({
          type: e.type,
          ...(e.state === undefined ? {} : { state: e.state.name }),
          ...(e.Error === undefined ? {} : { error: e.Error }),
          ...(e.Cause === undefined ? {} : { cause: e.Cause }),
        });
        if (e.type === 'StateEntered' && e.state !== undefined) {
          record.path.push(e.state.name);
          record.transitions += 1;
        }
        if (e.type === 'StateRetried') record.transitions += 1;
      }
    })();
    let aborted = false;
    const done = execution.result
      .then((output) => {
        record.status = aborted ? ExecutionStatus.Aborted : ExecutionStatus.Succeeded;
        if (!aborted) record.output = output;
      })
      .catch((error: unknown) => {
        const err = error as { name?: string; message?: string; cause?: { name?: string; message?: string } };
        record.status =
          err.name === 'ExecutionTimeoutError' ? ExecutionStatus.TimedOut : ExecutionStatus.Failed;
        record.error = err.cause?.name ?? err.name ?? 'Error';
        record.cause = err.cause?.message ?? err.message ?? '';
      })
      .then(async () => {
        broker.discard((entry) => entry.executionArn === executionArn);
        await Promise.race([logs, new Promise((resolve) => setTimeout(resolve, 50))]);
        options.onExecutionEnd?.(record);
        return record;
      });
    const local: LocalExecution = {
      executionArn,
      record,
      done,
      abort: () => {
        aborted = true;
        execution.abort();
      },
    };
    executions.set(executionArn, local);
    return local;
  };

  const executionControl: ExecutionControlPort = {
    stop: async (executionArn) => {
      executions.get(executionArn)?.abort();
    },
  };
  /** The EventBridge rule of production: TaskRequested starts an execution with the detail as input. */
  const publisher: EventPublisherPort = {
    taskRequested: async (event) => {
      start(event);
    },
  };

  return {
    definition,
    templateVars: vars,
    broker,
    callbackPort,
    executionControl,
    publisher,
    executions,
    start,
    /** Resolves when every execution started so far has ended. */
    idle: async (): Promise<ExecutionRecord[]> => Promise.all([...executions.values()].map((e) => e.done)),
  };
};

export type LocalWorkflow = ReturnType<typeof createLocalWorkflow>;
