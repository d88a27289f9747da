import type { ResponderPort, ResponseUrlMessage } from '../domain/ports';
import { backoffMs, DEFAULT_RETRY_POLICY, type RetryPolicy, sleep, withRetry } from './retry';

/** A response_url answered with something other than 2xx. */
export class ResponseUrlError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(`response_url answered ${status}`);
    this.name = 'ResponseUrlError';
  }
}

/**
 * Posts to Slack response_urls with fetch. Retries 429 (Retry-After) and 5xx;
 * a 404 means the URL expired or was used five times, which no retry fixes.
 */
export class FetchResponder implements ResponderPort {
  constructor(
    private readonly options: {
      retry?: RetryPolicy;
      timeoutMs?: number;
      fetch?: typeof fetch;
      wait?: (ms: number) => Promise<void>;
    } = {},
  ) {}

  async respond(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
    const policy = this.options.retry ?? DEFAULT_RETRY_POLICY;
    const doFetch = this.options.fetch ?? fetch;
    const body = JSON.stringify({
      text: message.text,
      ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
      response_type: message.responseType ?? 'ephemeral',
      replace_original: message.replaceOriginal ?? false,
    });
    await withRetry(
      async () => {
        const response = await doFetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
          redirect: 'error',
        });
        await response.arrayBuffer();
        if (!response.ok) {
          const retryAfter = Number(response.headers.get('retry-after'));
          throw new ResponseUrlError(response.status, Number.isFinite(retryAfter) ? retryAfter : undefined);
        }
      },
      policy,
      (error, attempt) => {
        if (error instanceof ResponseUrlError) {
          if (error.status === 429) {
            const ms = (error.retryAfterSeconds ?? 1) * 1000;
            return ms <= policy.maxRetryAfterMs ? ms : undefined;
          }
          return error.status >= 500 ? backoffMs(policy, attempt) : undefined;
        }
        // Network errors and timeouts.
        return backoffMs(policy, attempt);
      },
      this.options.wait ?? sleep,
    );
  }
}
