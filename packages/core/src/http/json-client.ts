import { AppError } from '../errors/errors';
import type { Logger } from '../logging/logger';

/** A non-2xx answer (or no answer) from a vendor API; `status` 0 means the request never got one. */
export class UpstreamError extends AppError {
  constructor(
    readonly service: string,
    readonly status: number,
    message: string,
    /** The vendor's error body (capped), for mapping to a message the agent can act on. */
    readonly body?: unknown,
    cause?: unknown,
  ) {
    super(message, { code: `UPSTREAM_${status}`, cause });
  }
}

export interface JsonClientOptions {
  /** Name used in errors and logs (`jira`, `sentry`). */
  service: string;
  baseUrl: string;
  /** Headers added to every request (auth); a function so secrets can rotate. */
  headers: () => Promise<Record<string, string>> | Record<string, string>;
  logger?: Logger;
  maxRetries?: number;
  /** A single wait longer than this is not slept: the error is returned instead. */
  maxRetryDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface JsonRequest {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface JsonResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Seconds or an HTTP date, as `Retry-After` allows; undefined when absent or malformed. */
export const parseRetryAfter = (value: string | null, nowMs = Date.now()): number | undefined => {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const readBody = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 2000);
  }
};

/**
 * A small JSON-over-fetch client for vendor REST APIs (Jira, Sentry) that
 * retries throttling and transient failures with backoff, honouring
 * `Retry-After`. 429 and 503 are retried for every method (the request was not
 * processed); other 5xx and network errors only for safe methods, so a retry
 * never posts twice.
 */
export class JsonHttpClient {
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: JsonClientOptions) {
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 20_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async request<T>(method: string, path: string, input: JsonRequest = {}): Promise<JsonResponse<T>> {
    const url = new URL(path.replace(/^\//, ''), `${this.options.baseUrl.replace(/\/+$/, '')}/`);
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const { service, logger } = this.options;
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: {
            accept: 'application/json',
            ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(await this.options.headers()),
          },
          body: input.body === undefined ? undefined : JSON.stringify(input.body),
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'follow',
        });
      } catch (error) {
        const delay = this.backoff(attempt);
        if (!SAFE_METHODS.has(method) || attempt >= this.maxRetries) {
          throw new UpstreamError(
            service,
            0,
            `${service} unreachable: ${(error as Error).name}`,
            undefined,
            error,
          );
        }
        logger?.warn({ service, attempt, delay, err: (error as Error).name }, 'upstream retry');
        await this.sleep(delay);
        continue;
      }
      if (response.ok) {
        const data = (response.status === 204 ? undefined : await readBody(response)) as T;
        return { status: response.status, data, headers: response.headers };
      }
      const retryable =
        response.status === 429 ||
        response.status === 503 ||
        (SAFE_METHODS.has(method) && response.status >= 500);
      const delay = parseRetryAfter(response.headers.get('retry-after')) ?? this.backoff(attempt);
      if (!retryable || attempt >= this.maxRetries || delay > this.maxRetryDelayMs) {
        const body = await readBody(response);
        throw new UpstreamError(service, response.status, `${service} answered ${response.status}`, body);
      }
      await response.body?.cancel();
      logger?.warn({ service, status: response.status, attempt, delay }, 'upstream retry');
      await this.sleep(delay);
    }
  }

  get<T>(path: string, query?: JsonRequest['query']): Promise<JsonResponse<T>> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body: unknown): Promise<JsonResponse<T>> {
    return this.request<T>('POST', path, { body });
  }

  // Exponential backoff with full jitter.
  private backoff(attempt: number): number {
    return Math.round(Math.random() * 250 * 2 ** attempt) + 100;
  }
}
