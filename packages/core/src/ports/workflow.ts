import type { RunKind, TaskSource } from '../domain/constants';

/** Completes a waiting Step Functions task token (approval, CI wait). */
export interface TaskCallbackPort {
  succeed(taskToken: string, output: unknown): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

/** The event that asks the state machine to run a task (EventBridge rule target input). */
export interface TaskRequestedEvent {
  taskId: string;
  runId: number;
  source: TaskSource;
  kind: RunKind;
}

/** Publishes new work; the state machine is started by the EventBridge rule, not by us. */
export interface EventPublisherPort {
  taskRequested(event: TaskRequestedEvent): Promise<void>;
}

/** Stops a running execution (PR closed, `/agent stop`). */
export interface ExecutionControlPort {
  stop(executionArn: string, reason: string): Promise<void>;
}
