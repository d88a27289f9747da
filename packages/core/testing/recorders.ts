import type { Writable } from 'node:stream';
import { createLogger, type Logger } from '../src/logging/logger';
import type {
  EventPublisherPort,
  ExecutionControlPort,
  TaskCallbackPort,
  TaskRequestedEvent,
} from '../src/ports/workflow';

/**
 * Records task-token completions; tests assert on what the workflow would have
 * received. Like Step Functions, a token completes once: later sends to it are
 * kept in `ignored` and change nothing.
 */
export class RecordingCallback implements TaskCallbackPort {
  readonly successes: { taskToken: string; output: unknown }[] = [];
  readonly failures: { taskToken: string; error: string; cause: string }[] = [];
  readonly ignored: { taskToken: string }[] = [];
  private readonly completed = new Set<string>();
  async succeed(taskToken: string, output: unknown): Promise<void> {
    if (this.completed.has(taskToken)) {
      this.ignored.push({ taskToken });
      return;
    }
    this.completed.add(taskToken);
    this.successes.push({ taskToken, output: JSON.parse(JSON.stringify(output ?? {})) });
  }
  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    if (this.completed.has(taskToken)) {
      this.ignored.push({ taskToken });
      return;
    }
    this.completed.add(taskToken);
    this.failures.push({ taskToken, error, cause });
  }
}

export class RecordingPublisher implements EventPublisherPort {
  readonly events: TaskRequestedEvent[] = [];
  async taskRequested(event: TaskRequestedEvent): Promise<void> {
    this.events.push(event);
  }
}

export class RecordingExecutions implements ExecutionControlPort {
  readonly stopped: { executionArn: string; reason: string }[] = [];
  async stop(executionArn: string, reason: string): Promise<void> {
    this.stopped.push({ executionArn, reason });
  }
}

/** A logger whose JSON lines are kept in memory (to assert on redaction, for example). */
export const captureLogger = (
  service = 'test',
): { logger: Logger; lines: () => Record<string, unknown>[] } => {
  const chunks: string[] = [];
  const destination = { write: (chunk: string) => chunks.push(chunk) } as unknown as Writable;
  const logger = createLogger({ service, level: 'debug', destination });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
};

export const silentLogger = (): Logger => createLogger({ service: 'test', level: 'silent' });
