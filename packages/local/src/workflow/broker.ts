import { EventEmitter } from 'node:events';
import type { TaskCallbackPort } from '@enterprise-agents/core/workflow';

/** A task token an execution is waiting on. */
export interface PendingToken {
  token: string;
  executionArn: string;
  stateName: string;
  payload: unknown;
}

interface Entry extends PendingToken {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

/** The failure SendTaskFailure delivers: Retry/Catch match `name`, `message` becomes the Cause. */
export class TaskFailedError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * In-process stand-in for Step Functions' task tokens: a waitForTaskToken state
 * parks a promise here under a fresh token; SendTaskSuccess/Failure settle it.
 */
export class TaskTokenBroker {
  private readonly pending = new Map<string, Entry>();
  private readonly events = new EventEmitter();
  /** Every completion attempt, known token or not (what the handlers "sent" to Step Functions). */
  readonly completions: {
    token: string;
    kind: 'success' | 'failure';
    known: boolean;
    output?: unknown;
    error?: string;
    cause?: string;
  }[] = [];

  register(entry: PendingToken): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(entry.token, { ...entry, resolve, reject });
      this.events.emit('registered', entry);
    });
  }

  /** SendTaskSuccess: false when the token is unknown (timed out, finished, never issued). */
  succeed(token: string, output: unknown): boolean {
    const entry = this.pending.get(token);
    this.completions.push({ token, kind: 'success', known: entry !== undefined, output });
    if (entry === undefined) return false;
    this.pending.delete(token);
    // Step Functions carries the output as a JSON string: same serialisation here.
    entry.resolve(JSON.parse(JSON.stringify(output ?? {})));
    return true;
  }

  /** SendTaskFailure. */
  fail(token: string, error: string, cause: string): boolean {
    const entry = this.pending.get(token);
    this.completions.push({ token, kind: 'failure', known: entry !== undefined, error, cause });
    if (entry === undefined) return false;
    this.pending.delete(token);
    entry.reject(new TaskFailedError(error, cause));
    return true;
  }

  /**
   * Drops tokens (their execution ended, timed out or was aborted): later
   * completions are ignored, and the parked promise is settled so nothing keeps
   * waiting on it (the emulator's Task timeout timer only clears when it settles).
   */
  discard(predicate: (entry: PendingToken) => boolean): void {
    for (const [token, entry] of this.pending) {
      if (!predicate(entry)) continue;
      this.pending.delete(token);
      entry.reject(new TaskFailedError('TaskDoesNotExist', 'the execution no longer waits for this token'));
    }
  }

  list(): PendingToken[] {
    return [...this.pending.values()].map(({ resolve: _r, reject: _j, ...entry }) => entry);
  }

  /** Resolves with the first pending token (existing or future) that matches. */
  waitFor(predicate: (entry: PendingToken) => boolean, timeoutMs = 10_000): Promise<PendingToken> {
    const existing = this.list().find(predicate);
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('registered', listener);
        reject(new Error(`no matching task token within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (entry: PendingToken) => {
        if (!predicate(entry)) return;
        clearTimeout(timer);
        this.events.off('registered', listener);
        resolve(entry);
      };
      this.events.on('registered', listener);
    });
  }
}

/**
 * TaskCallbackPort over the broker: what webhook-handler and slack-handler get in
 * local mode instead of StepFunctionsAdapter. Like the adapter, a token that is
 * gone is not an error (the execution moved on).
 */
export class BrokerCallbackPort implements TaskCallbackPort {
  constructor(private readonly broker: TaskTokenBroker) {}

  async succeed(taskToken: string, output: unknown): Promise<void> {
    this.broker.succeed(taskToken, output);
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    this.broker.fail(taskToken, error.slice(0, 256), cause.slice(0, 32_768));
  }
}
