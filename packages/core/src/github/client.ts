import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { UpstreamError } from '../http/json-client';
import { secretLoader } from '../lambda/secrets';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../secrets/secret-store';
import { parseGitHubSecret } from './secret';

/** The Octokit {@link createGitHubClient} builds (App or token auth, retries). */
export type GitHubClient = Octokit;

/**
 * A client, or where to get the current one: adapters take either, so production can rebuild
 * the client when the GitHub secret rotates ({@link githubClientLoader}) and tests pass one.
 */
export type GitHubClientSource = GitHubClient | (() => Promise<GitHubClient>);

/**
 * The client of a {@link GitHubClientSource}.
 *
 * @param source - a client or a loader
 * @example
 * const octokit = await resolveGitHubClient(this.client);
 */
export const resolveGitHubClient = async (source: GitHubClientSource): Promise<GitHubClient> =>
  typeof source === 'function' ? source() : source;

/**
 * `owner/name` as Octokit's `{owner, repo}`.
 *
 * @param repo - `owner/name`
 * @throws Error when it is not `owner/name`
 * @example
 * splitRepo('acme/pay'); // { owner: 'acme', repo: 'pay' }
 */
export const splitRepo = (repo: string): { owner: string; repo: string } => {
  const [owner, name] = repo.split('/');
  if (owner === undefined || name === undefined || owner === '' || name === '')
    throw new Error(`repository must be owner/name, got ${repo}`);
  return { owner, repo: name };
};

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
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

const githubMessage = (error: unknown): string => {
  const data = (error as RequestErrorLike).response?.data as
    | { message?: string; errors?: { message?: string; code?: string; field?: string }[] }
    | undefined;
  const detail = data?.errors?.map((e) => e.message ?? `${e.field ?? ''} ${e.code ?? ''}`.trim()).join('; ');
  return [data?.message, detail].filter((x) => x !== undefined && x !== '').join(': ') || 'request failed';
};

/**
 * Runs a GitHub call and turns an Octokit request error into core's {@link UpstreamError}
 * (service `github`, the status, `github answered <status>: <GitHub's message>`); errors
 * without a status (bugs, network) pass unchanged.
 *
 * @param fn - the Octokit call
 * @example
 * const { data } = await callGitHub(() => octokit.rest.repos.get({ owner, repo }));
 */
export const callGitHub = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (error) {
    const status = (error as RequestErrorLike | undefined)?.status;
    if (status === undefined) throw error;
    throw new UpstreamError(
      'github',
      status,
      `github answered ${status}: ${githubMessage(error)}`,
      undefined,
      error,
    );
  }
};

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

/** What {@link githubClientLoader} needs: the secret and the client's options. */
export interface GitHubClientLoaderOptions extends Omit<GitHubClientOptions, 'auth'> {
  store: SecretStore;
  /** `GITHUB_SECRET_ARN`. */
  secretId: string;
}

/**
 * The GitHub client of a Lambda, built from the GitHub secret on first use (a delivery that
 * never calls GitHub never reads the secret) and built again when the secret's value changes,
 * read through the store's cache like every other secret ({@link secretLoader}).
 *
 * @param options - the secret and the client's options
 * @example
 * const github = new OctokitGitHub(githubClientLoader({ store, secretId: config.githubSecretArn }));
 */
export const githubClientLoader = ({
  store,
  secretId,
  ...client
}: GitHubClientLoaderOptions): (() => Promise<GitHubClient>) =>
  secretLoader(store, secretId, (secret) =>
    createGitHubClient({ ...client, auth: parseGitHubSecret(secret, secretId) }),
  );
