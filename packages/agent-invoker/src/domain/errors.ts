import { AppError } from '@enterprise-agents/core/errors';

/**
 * Error names are the contract with the state machine: Step Functions matches
 * `Retry` / `Catch` on the thrown error's `name` (the Lambda errorType).
 */
export const InvokerErrorName = {
  AgentThrottled: 'AgentThrottled',
  AgentUnavailable: 'AgentUnavailable',
  AgentInvocationFailed: 'AgentInvocationFailed',
  InvalidAgentOutput: 'InvalidAgentOutput',
  TaskAlreadyClaimed: 'TaskAlreadyClaimed',
  TaskNotActive: 'TaskNotActive',
  TaskNotFound: 'TaskNotFound',
  InvalidPayload: 'InvalidPayload',
} as const;
export type InvokerErrorName = (typeof InvokerErrorName)[keyof typeof InvokerErrorName];

/** Base of the invoker's named errors; `name` is what Step Functions sees. */
export class InvokerError extends AppError {
  constructor(name: InvokerErrorName, message: string, cause?: unknown) {
    super(message, { code: name, expose: true, cause });
    this.name = name;
  }
}

/** Bedrock throttled us (or a quota is exhausted): retried by the state machine with backoff. */
export class AgentThrottledError extends InvokerError {
  constructor(message: string, cause?: unknown) {
    super(InvokerErrorName.AgentThrottled, message, cause);
  }
}

/** A transient Bedrock-side failure (5xx, dependency failure): retried a little. */
export class AgentUnavailableError extends InvokerError {
  constructor(message: string, cause?: unknown) {
    super(InvokerErrorName.AgentUnavailable, message, cause);
  }
}

/** A failure retrying cannot fix (access denied, bad agent id): escalated. */
export class AgentInvocationError extends InvokerError {
  constructor(message: string, cause?: unknown) {
    super(InvokerErrorName.AgentInvocationFailed, message, cause);
  }
}

/** The agent's reply had no valid structured result, even after one corrective retry. */
export class InvalidAgentOutputError extends InvokerError {
  constructor(
    readonly agent: string,
    readonly problems: string[],
  ) {
    super(InvokerErrorName.InvalidAgentOutput, `${agent} agent output invalid: ${problems.join('; ')}`);
  }
}

/** Another execution owns this run: the state machine ends quietly. */
export class TaskAlreadyClaimedError extends InvokerError {
  constructor(message: string) {
    super(InvokerErrorName.TaskAlreadyClaimed, message);
  }
}

/** The task was stopped, finished, or moved to a newer run: this execution must not touch it. */
export class TaskNotActiveError extends InvokerError {
  constructor(message: string, cause?: unknown) {
    super(InvokerErrorName.TaskNotActive, message, cause);
  }
}

export class TaskNotFoundError extends InvokerError {
  constructor(taskId: string) {
    super(InvokerErrorName.TaskNotFound, `task ${taskId} does not exist`);
  }
}

/** The Step Functions payload is malformed: a definition/contract bug, never retried. */
export class InvalidPayloadError extends InvokerError {
  constructor(message: string) {
    super(InvokerErrorName.InvalidPayload, message);
  }
}
