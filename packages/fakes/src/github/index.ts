import { type WebhookDelivery, WebhookSender, type WebhookSinkOptions } from '../webhooks';
import { FakeHttpError, type RecordedRequest, startHttpServer, type ThrottleRule } from './http';
import { type GitHubFakeContext, githubRoutes, publicRoutes } from './server';
import { GitHubFakeState } from './state';

export type { FlatFile, GitObject, TreeEntry } from './git-store';
export { GitStore } from './git-store';
export {
  FakeHttpError,
  type FakeRequest,
  type FakeResponse,
  linkHeader,
  paginate,
  type RecordedRequest,
  Router,
  type RunningServer,
  startHttpServer,
  type ThrottleRule,
} from './http';
export {
  type AddRunInput,
  type FakeAnnotation,
  type FakeComment,
  type FakeJob,
  type FakePull,
  type FakeRepo,
  type FakeReview,
  type FakeReviewComment,
  type FakeRun,
  GitHubFakeState,
  type SeedRepoInput,
} from './state';

/** Options of {@link startGitHubFake}. */
export interface GitHubFakeOptions {
  /** Tokens accepted as `Authorization: token …` / `Bearer …` (default `['test-token']`). */
  tokens?: string[];
  /** Answer 401 to unauthenticated requests (default true, like private repositories). */
  requireAuth?: boolean;
  /**
   * Personal tokens of people (token → login, also accepted as credentials): their
   * comments, reviews and merges are theirs. Other tokens act as `botLogin`.
   */
  users?: Record<string, string>;
  /** Login the other tokens act as (default `agent-bot[bot]`). */
  botLogin?: string;
  /**
   * Send the repository webhooks GitHub would send, signed with the secret:
   * `issue_comment` (created), `pull_request_review` (submitted) and `pull_request`
   * (opened, closed, reopened). Without it the fake sends nothing.
   */
  webhooks?: WebhookSinkOptions;
}

/** How a throttled answer looks (see {@link GitHubFake.throttle}). */
export interface ThrottleOptions {
  /** 429 (secondary limit) or 403 (primary / secondary rate limit). Default 429. */
  status?: 403 | 429;
  /** `Retry-After` seconds; omitted when undefined. */
  retryAfter?: number;
  /** Primary-limit style: `x-ratelimit-remaining: 0` with this `x-ratelimit-reset` (epoch seconds). */
  resetAt?: number;
}

/** A running GitHub REST fake. */
export interface GitHubFake {
  /** Base URL to hand to Octokit (`baseUrl`). */
  url: string;
  state: GitHubFakeState;
  /** Every request received, in order (including throttled and rejected ones). */
  requests: RecordedRequest[];
  /** The next `count` requests are answered with a rate-limit error. */
  throttle(count: number, options?: ThrottleOptions): void;
  /** Requests matching method and a path prefix / regex. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  /** Runs `hook` before each request is answered (e.g. to simulate a concurrent push); returns a remover. */
  beforeRequest(hook: (req: RecordedRequest) => void): () => void;
  /** Webhooks sent so far (empty without the `webhooks` option). */
  readonly deliveries: readonly WebhookDelivery[];
  /** Resolves when no webhook is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts an in-process fake of the GitHub REST API on 127.0.0.1: repositories,
 * git data (blobs, trees, commits, refs), contents, pull requests, comments,
 * code search, Actions runs / jobs / logs, check-run annotations, collaborator
 * permissions and GitHub App installation tokens (RS256 JWT verified). Answers
 * carry GitHub's status codes, error bodies, Link pagination and rate-limit headers.
 */
export const startGitHubFake = async (options: GitHubFakeOptions = {}): Promise<GitHubFake> => {
  const state = new GitHubFakeState();
  for (const token of options.tokens ?? ['test-token']) state.tokens.add(token);
  for (const [token, login] of Object.entries(options.users ?? {})) {
    state.tokens.add(token);
    state.users.set(token, login);
  }
  const webhooks = options.webhooks === undefined ? undefined : new WebhookSender(options.webhooks);
  const requests: RecordedRequest[] = [];
  const throttleRules: ThrottleRule[] = [];
  const hooks = new Set<(req: RecordedRequest) => void>();
  let baseUrl = '';
  const ctx: GitHubFakeContext = {
    state,
    url: () => baseUrl,
    throttle: throttleRules,
    requireAuth: options.requireAuth ?? true,
    botLogin: options.botLogin ?? 'agent-bot[bot]',
    ...(webhooks === undefined ? {} : { webhooks }),
  };
  const routes = githubRoutes(ctx);
  const open = publicRoutes(ctx);
  let used = 0;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;

  const server = await startHttpServer(async (req) => {
    requests.push(req);
    for (const hook of hooks) hook(req);
    const isPublic = open.match(req.method, req.path);
    const resource = req.path.startsWith('/search/') ? 'search' : 'core';
    const limit = resource === 'search' ? 30 : 5000;
    used += 1;
    const rateHeaders = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-reset': String(resetAt),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': resource,
      'x-github-request-id': `FAKE:${requests.length}`,
    };
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      req.status = status;
      return { status, body, headers: { ...rateHeaders, ...headers } };
    };
    const rule = throttleRules[0];
    if (rule !== undefined && isPublic === undefined) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) throttleRules.shift();
      return answer(rule.status, rule.body, { ...rateHeaders, ...rule.headers });
    }
    const match = isPublic ?? routes.match(req.method, req.path);
    if (match === undefined) {
      return answer(404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404',
      });
    }
    try {
      if (isPublic === undefined && !req.path.startsWith('/app/')) {
        const auth = req.headers.authorization;
        const token = auth === undefined ? undefined : /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1];
        const valid =
          token !== undefined &&
          (state.tokens.has(token) ||
            Date.parse(state.installationTokens.get(token)?.expiresAt ?? '') > Date.now());
        if (ctx.requireAuth && !valid) {
          throw new FakeHttpError(401, {
            message: token === undefined ? 'Requires authentication' : 'Bad credentials',
            documentation_url: 'https://docs.github.com/rest',
            status: '401',
          });
        }
      }
      const response = await match.handler({ ...req, params: match.params });
      return answer(response.status, response.body, response.headers);
    } catch (error) {
      if (error instanceof FakeHttpError) return answer(error.status, error.body, error.headers);
      throw error;
    }
  });
  baseUrl = server.url;

  return {
    url: server.url,
    state,
    requests,
    throttle(count, throttleOptions = {}) {
      const status = throttleOptions.status ?? 429;
      const headers: Record<string, string> = {};
      if (throttleOptions.retryAfter !== undefined)
        headers['retry-after'] = String(throttleOptions.retryAfter);
      if (throttleOptions.resetAt !== undefined) {
        headers['x-ratelimit-remaining'] = '0';
        headers['x-ratelimit-reset'] = String(throttleOptions.resetAt);
      }
      const message =
        throttleOptions.resetAt !== undefined
          ? 'API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.'
          : 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
      throttleRules.push({
        remaining: count,
        status,
        headers,
        body: {
          message,
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: String(status),
        },
      });
    },
    requestsTo(method, path) {
      return requests.filter(
        (r) =>
          r.method === method && (typeof path === 'string' ? r.path.startsWith(path) : path.test(r.path)),
      );
    },
    beforeRequest(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    deliveries: webhooks?.deliveries ?? [],
    idle: async () => {
      await webhooks?.idle();
    },
    close: async () => {
      await webhooks?.idle();
      await server.close();
    },
  };
};
