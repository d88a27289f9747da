/** How Slack calls are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff for 5xx / network errors; doubles per retry, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails and is recorded. */
  maxRetryAfterMs: number;
}

/** Production default: a few quick retries that fit a Lambda invocation. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 2000,
  maxRetryAfterMs: 10_000,
};

/** What to do after a failed attempt: wait this long, or give up (undefined). */
export type RetryDecision = (error: unknown, attempt: number) => number | undefined;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter. */
export const backoffMs = (policy: RetryPolicy, attempt: number, random: () => number = Math.random): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt) * (0.5 + random() / 2);

/** Runs `fn`, retrying while `decide` returns a delay and retries remain. */
export const withRetry = async <T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  decide: RetryDecision,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      const delay = attempt < policy.maxRetries ? decide(error, attempt) : undefined;
      if (delay === undefined) throw error;
      await wait(delay);
    }
  }
};
