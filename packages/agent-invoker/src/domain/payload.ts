import { AgentName, RunKind, TaskSource, TaskStatus } from '@enterprise-agents/core';
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const oneOf = <T extends string>(value: unknown, allowed: Record<string, T>, field: string): T => {
  const values = Object.values(allowed) as string[];
  if (typeof value !== 'string' || !values.includes(value))
    throw new InvalidPayloadError(`${field} must be one of ${values.join(', ')}`);
  return value as T;
};

const optionalString = (value: unknown, field: string, max = 40_000): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidPayloadError(`${field} must be a string`);
  return value.slice(0, max);
};

const RUN_STATUSES = [
  TaskStatus.Discovering,
  TaskStatus.Planning,
  TaskStatus.AwaitingApproval,
  TaskStatus.Executing,
  TaskStatus.AwaitingCi,
  TaskStatus.Fixing,
] as const;
const FINAL_STATUSES = [
  TaskStatus.Completed,
  TaskStatus.Rejected,
  TaskStatus.Escalated,
  TaskStatus.Failed,
] as const;

const statusIn = (value: unknown, allowed: readonly TaskStatus[], field: string): TaskStatus => {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new InvalidPayloadError(`${field} must be one of ${allowed.join(', ')}`);
  return value as TaskStatus;
};

/** Parses and checks a Step Functions payload; a malformed one is a definition bug, named InvalidPayload. */
export const parsePayload = (event: unknown): InvokerPayload => {
  if (!isRecord(event)) throw new InvalidPayloadError('payload must be a JSON object');
  const action = oneOf(event.action, InvokerAction, 'action');
  if (typeof event.taskId !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(event.taskId))
    throw new InvalidPayloadError('taskId must be an id of letters, digits, - or _');
  if (typeof event.runId !== 'number' || !Number.isInteger(event.runId) || event.runId < 1)
    throw new InvalidPayloadError('runId must be a positive integer');
  const ref = { taskId: event.taskId, runId: event.runId };
  switch (action) {
    case InvokerAction.ClaimTask: {
      if (typeof event.executionArn !== 'string' || event.executionArn === '')
        throw new InvalidPayloadError('executionArn is required');
      return {
        action,
        ...ref,
        executionArn: event.executionArn,
        ...(event.source === undefined ? {} : { source: oneOf(event.source, TaskSource, 'source') }),
        ...(event.kind === undefined ? {} : { kind: oneOf(event.kind, RunKind, 'kind') }),
      };
    }
    case InvokerAction.RecordStep: {
      const message = optionalString(event.message, 'message', 2000);
      return {
        action,
        ...ref,
        status: statusIn(event.status, RUN_STATUSES, 'status'),
        ...(message === undefined ? {} : { message }),
      };
    }
    case InvokerAction.FinishTask: {
      const reason = optionalString(event.reason, 'reason');
      let escalation: Escalation | undefined;
      if (event.escalation !== undefined) {
        if (!isRecord(event.escalation)) throw new InvalidPayloadError('escalation must be an object');
        const e = event.escalation;
        escalation = {
          ...(optionalString(e.kind, 'escalation.kind', 100) === undefined ? {} : { kind: String(e.kind) }),
          ...(optionalString(e.reason, 'escalation.reason') === undefined
            ? {}
            : { reason: String(e.reason) }),
          ...(optionalString(e.error, 'escalation.error', 256) === undefined
            ? {}
            : { error: String(e.error) }),
          ...(optionalString(e.cause, 'escalation.cause') === undefined ? {} : { cause: String(e.cause) }),
          ...(e.unexpected === true ? { unexpected: true } : {}),
        };
      }
      return {
        action,
        ...ref,
        status: statusIn(event.status, FINAL_STATUSES, 'status'),
        ...(reason === undefined ? {} : { reason }),
        ...(escalation === undefined ? {} : { escalation }),
      };
    }
    case InvokerAction.InvokeAgent: {
      if (event.input !== undefined && !isRecord(event.input))
        throw new InvalidPayloadError('input must be an object');
      const { continuation } = event;
      if (
        continuation !== undefined &&
        (typeof continuation !== 'number' || !Number.isInteger(continuation) || continuation < 0)
      )
        throw new InvalidPayloadError('continuation must be a non-negative integer');
      return {
        action,
        ...ref,
        agent: oneOf(event.agent, AgentName, 'agent'),
        status: statusIn(event.status, RUN_STATUSES, 'status'),
        input: (event.input ?? {}) as AgentStepInput,
        ...(continuation === undefined ? {} : { continuation }),
      };
    }
  }
};
