import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { Logger } from '../logging/logger';

export type GitHubAuth =
  | { type: 'token'; token: string }
  | { type: 'app'; appId: string; privateKey: string; installationId: string };

export interface GitHubClientOptions {
  auth: GitHubAuth;
  /** `https://api.github.com` by default; GHES or the local fake otherwise. */
  baseUrl?: string;
  logger?: Logger;
  /** Retries of 429 / 5xx / secondary rate limits. */
  maxRetries?: number;
  /** Upper bound for a single wait, so a Lambda never sleeps past its timeout. */
  maxRetryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface RequestErrorLike {
  status?: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** How long GitHub asks us to wait, or undefined when the error is not retryable. */
export const retryDelayMs = (error: unknown, attempt: number, nowMs = Date.now()): number | undefined => {
  const { status, response } = (error ?? {}) as RequestErrorLike;
  const headers = response?.headers ?? {};
  const retryAfter = headers['retry-after'];
  const remaining = headers['x-ratelimit-remaining'];
  const reset = headers['x-ratelimit-reset'];
  const rateLimited =
    status === 429 || (status === 403 && (retryAfter !== undefined || String(remaining) === '0'));
  if (!rateLimited && !(status !== undefined && status >= 500)) return undefined;
  if (retryAfter !== undefined && !Number.isNaN(Number(retryAfter))) return Number(retryAfter) * 1000;
  if (String(remaining) === '0' && reset !== undefined) return Math.max(0, Number(reset) * 1000 - nowMs);
  // Exponential backoff with full jitter.
  return Math.round(Math.random() * 250 * 2 ** attempt) + 100;
};

/**
 * An Octokit for a GitHub App installation (preferred: short-lived tokens scoped
 * to the installation) or a token, retrying rate limits and 5xx with backoff and
 * honouring `Retry-After` / `x-ratelimit-reset`.
 */
export const createGitHubClient = ({
  auth,
  baseUrl,
  logger,
  maxRetries = 3,
  maxRetryDelayMs = 20_000,
  sleep = defaultSleep,
}: GitHubClientOptions): Octokit => {
  // Octokit prints every failed request with console.error; expected 404s (permission
  // checks on strangers) are not errors, and callers log what matters themselves.
  const log = {
    debug: () => {},
    info: () => {},
    warn: (message: string) => logger?.warn(message),
    error: (message: string) => logger?.debug(message),
  };
  const octokit =
    auth.type === 'app'
      ? new Octokit({
          baseUrl,
          log,
          authStrategy: createAppAuth,
          auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId },
          request: { retries: 0 },
        })
      : new Octokit({ baseUrl, log, auth: auth.token });
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await request(options);
      } catch (error) {
        const delay = retryDelayMs(error, attempt);
        if (delay === undefined || attempt >= maxRetries || delay > maxRetryDelayMs) throw error;
        logger?.warn(
          { status: (error as RequestErrorLike).status, delay, attempt, url: options.url },
          'github retry',
        );
        await sleep(delay);
      }
    }
  });
  return octokit;
};
