import type { AgentName, RunKind, TaskSource, TaskStatus } from '@enterprise-agents/core/domain';
import { compilePayloadValidator } from '@enterprise-agents/core/workflow';
import claimTaskSchema from '../../../../schemas/step-functions/claimTask.json' with { type: 'json' };
import finishTaskSchema from '../../../../schemas/step-functions/finishTask.json' with { type: 'json' };
import invokeAgentSchema from '../../../../schemas/step-functions/invokeAgent.json' with { type: 'json' };
import recordStepSchema from '../../../../schemas/step-functions/recordStep.json' with { type: 'json' };
import { InvalidPayloadError } from './errors';
import type { AgentStepInput } from './prompt';

/** The invoker's Step Functions actions (Payload.action). */
export const InvokerAction = {
  ClaimTask: 'claimTask',
  RecordStep: 'recordStep',
  FinishTask: 'finishTask',
  InvokeAgent: 'invokeAgent',
} as const;
export type InvokerAction = (typeof InvokerAction)[keyof typeof InvokerAction];

interface RunRef {
  taskId: string;
  runId: number;
}
export interface ClaimTaskPayload extends RunRef {
  action: typeof InvokerAction.ClaimTask;
  executionArn: string;
  source?: TaskSource;
  kind?: RunKind;
}
export interface RecordStepPayload extends RunRef {
  action: typeof InvokerAction.RecordStep;
  status: TaskStatus;
  message?: string;
}
/** Why a task escalates: a planned reason, or an error caught by the state machine. */
export interface Escalation {
  kind?: string;
  reason?: string;
  error?: string;
  cause?: string;
  unexpected?: boolean;
}
export interface FinishTaskPayload extends RunRef {
  action: typeof InvokerAction.FinishTask;
  status: TaskStatus;
  reason?: string;
  escalation?: Escalation;
}
export interface InvokeAgentPayload extends RunRef {
  action: typeof InvokerAction.InvokeAgent;
  agent: AgentName;
  status: TaskStatus;
  input: AgentStepInput;
  /** How many times the state machine already continued this step (0 on its first run). */
  continuation?: number;
}
export type InvokerPayload = ClaimTaskPayload | RecordStepPayload | FinishTaskPayload | InvokeAgentPayload;

/** Optional fields the state machine may send as null (a path to nothing), read as absent. */
type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] | null };
type RecordStepWire = Nullable<RecordStepPayload, 'message'>;
type EscalationWire = Nullable<Escalation, 'kind' | 'reason' | 'error' | 'cause'> & { unexpected?: unknown };
type FinishTaskWire = Omit<Nullable<FinishTaskPayload, 'reason'>, 'escalation'> & {
  escalation?: EscalationWire;
};
type InvokeAgentWire = Omit<InvokeAgentPayload, 'input'> & { input?: AgentStepInput };

const invalid = (message: string): Error => new InvalidPayloadError(message);
const parseClaimTask = compilePayloadValidator<ClaimTaskPayload>(claimTaskSchema, { error: invalid });
const parseRecordStep = compilePayloadValidator<RecordStepWire>(recordStepSchema, { error: invalid });
const parseFinishTask = compilePayloadValidator<FinishTaskWire>(finishTaskSchema, { error: invalid });
const parseInvokeAgent = compilePayloadValidator<InvokeAgentWire>(invokeAgentSchema, { error: invalid });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Long texts are cut, not refused: a timeline message or reason is never worth failing a run. */
const clipped = (value: string | null | undefined, max: number): string | undefined =>
  value === undefined || value === null ? undefined : value.slice(0, max);

const present = <K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } =>
  (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: string };

// The escalation is kept whole: its cause is the Lambda error as JSON, which a cut would break.
const escalationOf = (e: EscalationWire): Escalation => ({
  ...present('kind', e.kind),
  ...present('reason', e.reason),
  ...present('error', e.error),
  ...present('cause', e.cause),
  ...(e.unexpected === true ? { unexpected: true } : {}),
});

/**
 * Parses and checks a Step Functions payload against its schema in
 * schemas/step-functions; a malformed one is a definition bug, named InvalidPayload.
 * Only the declared fields are kept.
 */
export const parsePayload = (event: unknown): InvokerPayload => {
  if (!isRecord(event)) throw new InvalidPayloadError('payload must be a JSON object');
  switch (event.action) {
    case InvokerAction.ClaimTask: {
      const p = parseClaimTask(event);
      return {
        action: p.action,
        taskId: p.taskId,
        runId: p.runId,
        executionArn: p.executionArn,
        ...(p.source === undefined ? {} : { source: p.source }),
        ...(p.kind === undefined ? {} : { kind: p.kind }),
      };
    }
    case InvokerAction.RecordStep: {
      const p = parseRecordStep(event);
      const message = clipped(p.message, 2000);
      return {
        action: p.action,
        taskId: p.taskId,
        runId: p.runId,
        status: p.status,
        ...(message === undefined ? {} : { message }),
      };
    }
    case InvokerAction.FinishTask: {
      const p = parseFinishTask(event);
      const reason = clipped(p.reason, 40_000);
      return {
        action: p.action,
        taskId: p.taskId,
        runId: p.runId,
        status: p.status,
        ...(reason === undefined ? {} : { reason }),
        ...(p.escalation === undefined ? {} : { escalation: escalationOf(p.escalation) }),
      };
    }
    case InvokerAction.InvokeAgent: {
      const p = parseInvokeAgent(event);
      return {
        action: p.action,
        taskId: p.taskId,
        runId: p.runId,
        agent: p.agent,
        status: p.status,
        input: p.input ?? {},
        ...(p.continuation === undefined ? {} : { continuation: p.continuation }),
      };
    }
    default:
      throw new InvalidPayloadError(`action must be one of ${Object.values(InvokerAction).join(', ')}`);
  }
};
