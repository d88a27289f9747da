import type { FollowUpJob, FollowUpPort } from '../domain/ports';

/**
 * Runs follow-ups in the same process after the HTTP answer, like the async
 * self-invocation does in AWS; for tests and the local stack. `settle()` waits
 * for everything enqueued so far.
 */
export class InlineFollowUps implements FollowUpPort {
  private readonly pending = new Set<Promise<unknown>>();
  readonly jobs: FollowUpJob[] = [];
  private runner: ((job: FollowUpJob) => Promise<unknown>) | undefined;

  /** The handler the jobs are given to (set after createHandler, which needs this port first). */
  bind(runner: (job: FollowUpJob) => Promise<unknown>): this {
    this.runner = runner;
    return this;
  }

  async enqueue(job: FollowUpJob): Promise<void> {
    const runner = this.runner;
    if (runner === undefined) throw new Error('InlineFollowUps is not bound to a handler');
    // A JSON round trip, as through the Lambda Invoke API: nothing but data crosses.
    const copy = JSON.parse(JSON.stringify(job)) as FollowUpJob;
    this.jobs.push(copy);
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => runner(copy));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run)).catch(() => undefined);
  }

  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
