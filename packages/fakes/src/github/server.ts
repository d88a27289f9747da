import { createHmac, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { sha256Signature, type WebhookSender } from '../webhooks';
import type { FlatFile, TreeEntry } from './git-store';
import {
  FakeHttpError,
  type FakeRequest,
  type FakeResponse,
  linkHeader,
  paginate,
  type RecordedRequest,
  Router,
  type ThrottleRule,
} from './http';
import type { FakeComment, FakeJob, FakePull, FakeRepo, FakeReview, FakeRun, GitHubFakeState } from './state';
import {
  issueCommentJson,
  organizationJson,
  type PayloadContext,
  pullRequestIssueJson,
  pullRequestJson,
  repositoryJson,
  reviewJson,
  userJson,
} from './webhook-payloads';

const DOCS = 'https://docs.github.com/rest';

const ghError = (status: number, message: string, extra: Record<string, unknown> = {}): FakeHttpError =>
  new FakeHttpError(status, { message, documentation_url: DOCS, status: String(status), ...extra });

const notFound = () => ghError(404, 'Not Found');

const validationFailed = (errors: Record<string, unknown>[], message = 'Validation Failed') =>
  ghError(422, message, { errors });

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  body,
  headers,
});

/** Options of the GitHub fake (see startGitHubFake). */
export interface GitHubFakeContext {
  state: GitHubFakeState;
  url: () => string;
  throttle: ThrottleRule[];
  /** Requests without valid credentials get 401 (true by default). */
  requireAuth: boolean;
  /** Login of the bot that tokens not listed in `state.users` act as. */
  botLogin: string;
  /** Sends the webhooks GitHub would send; undefined when the fake has no webhook sink. */
  webhooks?: WebhookSender;
}

/** Who a request acts as: a person's token (`state.users`) or the bot. */
const actorOf = (ctx: GitHubFakeContext, req: RecordedRequest): string => {
  const token = tokenOf(req);
  return (token === undefined ? undefined : ctx.state.users.get(token)) ?? ctx.botLogin;
};

const payloadContext = (ctx: GitHubFakeContext, repo: FakeRepo, pull: FakePull): PayloadContext => {
  const name = fullName(repo).toLowerCase();
  return {
    api: ctx.url(),
    repo,
    openIssues: ctx.state.pulls.filter((p) => p.repo === name && p.state === 'open').length,
    permissionOf: (login) => ctx.state.permissions.get(`${name}#${login.toLowerCase()}`),
    commentCount: ctx.state.comments.filter((c) => c.repo === name && c.issueNumber === pull.number).length,
    reviewCommentCount: ctx.state.reviewComments.filter(
      (c) => c.repo === name && c.pullNumber === pull.number,
    ).length,
    headSha: repo.refs.get(`heads/${pull.head}`) ?? null,
    baseSha: repo.refs.get(`heads/${pull.base}`) ?? null,
  };
};

/**
 * Sends one repository webhook the way GitHub does: JSON body with `repository`,
 * `organization` and `sender`, the X-GitHub-* headers and both signatures.
 */
const emit = (
  ctx: GitHubFakeContext,
  repo: FakeRepo,
  event: string,
  sender: string,
  payload: Record<string, unknown> & { action: string },
): void => {
  const sink = ctx.webhooks;
  if (sink === undefined) return;
  const api = ctx.url();
  const name = fullName(repo).toLowerCase();
  const body = JSON.stringify({
    ...payload,
    repository: repositoryJson(
      api,
      repo,
      ctx.state.pulls.filter((p) => p.repo === name && p.state === 'open').length,
    ),
    organization: organizationJson(api, repo.owner),
    sender: userJson(api, sender),
  });
  const id = randomUUID();
  const secret = sink.secret();
  sink.send({
    id,
    event,
    action: payload.action,
    body,
    headers: {
      'user-agent': 'GitHub-Hookshot/fake',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'repository',
      'x-github-hook-installation-target-id': String(repo.id),
      'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body, 'utf8').digest('hex')}`,
      'x-hub-signature-256': sha256Signature(secret, body),
    },
  });
};

const pullOr404 = (ctx: GitHubFakeContext, repo: FakeRepo, number: string | undefined): FakePull => {
  const pull = ctx.state.pulls.find(
    (p) => p.repo === fullName(repo).toLowerCase() && String(p.number) === number,
  );
  if (pull === undefined) throw notFound();
  return pull;
};

const emitPullRequest = (
  ctx: GitHubFakeContext,
  repo: FakeRepo,
  pull: FakePull,
  action: string,
  sender: string,
): void =>
  emit(ctx, repo, 'pull_request', sender, {
    action,
    number: pull.number,
    pull_request: pullRequestJson(payloadContext(ctx, repo, pull), pull),
  });

const asRecord = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

const b64url = (text: string): Buffer => Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');

/** Verifies a GitHub App JWT (RS256) the way GitHub does: signature, iss, iat/exp window. */
const verifyAppJwt = (ctx: GitHubFakeContext, jwt: string): string => {
  const [h, p, s] = jwt.split('.');
  if (h === undefined || p === undefined || s === undefined)
    throw ghError(401, 'A JSON web token could not be decoded');
  let header: { alg?: string };
  let payload: { iss?: string | number; iat?: number; exp?: number };
  try {
    header = JSON.parse(b64url(h).toString('utf8'));
    payload = JSON.parse(b64url(p).toString('utf8'));
  } catch {
    throw ghError(401, 'A JSON web token could not be decoded');
  }
  if (header.alg !== 'RS256') throw ghError(401, 'A JSON web token could not be decoded');
  const app = ctx.state.apps.get(String(payload.iss));
  if (app === undefined) throw ghError(401, 'Integration not found');
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey(app.publicKey), b64url(s));
  if (!ok) throw ghError(401, 'A JSON web token could not be decoded');
  const now = Math.floor(Date.now() / 1000);
  if (payload.exp === undefined || payload.exp < now)
    throw ghError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  if (payload.iat === undefined || payload.iat > now + 60)
    throw ghError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  if (payload.exp - payload.iat > 600)
    throw ghError(401, "'Expiration time' claim ('exp') is too far in the future");
  return String(payload.iss);
};

const tokenOf = (req: RecordedRequest): string | undefined => {
  const auth = req.headers.authorization;
  if (auth === undefined) return undefined;
  const m = /^(?:token|bearer)\s+(.+)$/i.exec(auth);
  return m?.[1];
};

const repoOr404 = (ctx: GitHubFakeContext, params: Record<string, string>): FakeRepo => {
  const repo = ctx.state.repo(`${params.owner}/${params.repo}`);
  if (repo === undefined) throw notFound();
  return repo;
};

const fullName = (repo: FakeRepo) => `${repo.owner}/${repo.name}`;

const repoJson = (ctx: GitHubFakeContext, repo: FakeRepo) => ({
  id: repo.id,
  node_id: `R_${repo.id}`,
  name: repo.name,
  full_name: fullName(repo),
  owner: { login: repo.owner, id: 1, type: 'Organization' },
  private: repo.private,
  html_url: `https://github.com/${fullName(repo)}`,
  url: `${ctx.url()}/repos/${fullName(repo)}`,
  description: repo.description,
  fork: false,
  language: repo.language,
  archived: repo.archived,
  disabled: false,
  topics: repo.topics,
  default_branch: repo.defaultBranch,
  pushed_at: repo.pushedAt,
  created_at: '2020-01-01T00:00:00Z',
  updated_at: repo.pushedAt,
  visibility: repo.private ? 'private' : 'public',
});

/** A branch name, ref name (`heads/x`, `refs/heads/x`) or commit sha → commit sha. */
const resolveCommit = (ctx: GitHubFakeContext, repo: FakeRepo, ref: string): string | undefined => {
  const name = ref.replace(/^refs\//, '').replace(/^heads\//, '');
  const head = repo.refs.get(`heads/${name}`);
  if (head !== undefined) return head;
  const obj = ctx.state.git.get(ref);
  return obj?.type === 'commit' ? ref : undefined;
};

const commitTree = (ctx: GitHubFakeContext, sha: string): string => {
  const commit = ctx.state.git.get(sha);
  if (commit?.type !== 'commit') throw notFound();
  return commit.tree;
};

/** Looks a path up under a commit: a file, a directory listing, or undefined. */
const lookup = (
  ctx: GitHubFakeContext,
  commitSha: string,
  path: string,
): { kind: 'file'; sha: string; mode: string } | { kind: 'dir'; entries: TreeEntry[] } | undefined => {
  let treeSha = commitTree(ctx, commitSha);
  const parts = path.split('/').filter((p) => p !== '');
  for (let i = 0; i < parts.length; i += 1) {
    const tree = ctx.state.git.get(treeSha);
    if (tree?.type !== 'tree') return undefined;
    const entry = tree.entries.find((e) => e.name === parts[i]);
    if (entry === undefined) return undefined;
    if (i === parts.length - 1) {
      if (entry.type === 'blob') return { kind: 'file', sha: entry.sha, mode: entry.mode };
      const sub = ctx.state.git.get(entry.sha);
      return sub?.type === 'tree' ? { kind: 'dir', entries: sub.entries } : undefined;
    }
    if (entry.type !== 'tree') return undefined;
    treeSha = entry.sha;
  }
  const root = ctx.state.git.get(treeSha);
  return root?.type === 'tree' ? { kind: 'dir', entries: root.entries } : undefined;
};

const wrap60 = (b64: string): string => `${(b64.match(/.{1,60}/g) ?? []).join('\n')}\n`;

const blobOf = (ctx: GitHubFakeContext, sha: string): Buffer => {
  const blob = ctx.state.git.get(sha);
  if (blob?.type !== 'blob') throw notFound();
  return blob.content;
};

const commitJson = (ctx: GitHubFakeContext, repo: FakeRepo, sha: string) => {
  const commit = ctx.state.git.get(sha);
  if (commit?.type !== 'commit') throw notFound();
  return {
    sha,
    node_id: `C_${sha}`,
    url: `${ctx.url()}/repos/${fullName(repo)}/git/commits/${sha}`,
    html_url: `https://github.com/${fullName(repo)}/commit/${sha}`,
    author: commit.author,
    committer: commit.author,
    message: commit.message,
    tree: { sha: commit.tree, url: `${ctx.url()}/repos/${fullName(repo)}/git/trees/${commit.tree}` },
    parents: commit.parents.map((p) => ({
      sha: p,
      url: `${ctx.url()}/repos/${fullName(repo)}/git/commits/${p}`,
    })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
  };
};

const refJson = (ctx: GitHubFakeContext, repo: FakeRepo, ref: string, sha: string) => ({
  ref: `refs/${ref}`,
  node_id: `REF_${ref}`,
  url: `${ctx.url()}/repos/${fullName(repo)}/git/refs/${ref}`,
  object: { sha, type: 'commit', url: `${ctx.url()}/repos/${fullName(repo)}/git/commits/${sha}` },
});

const isAncestor = (ctx: GitHubFakeContext, ancestor: string, sha: string): boolean => {
  const seen = new Set<string>();
  const stack = [sha];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    if (current === ancestor) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    const commit = ctx.state.git.get(current);
    if (commit?.type === 'commit') stack.push(...commit.parents);
  }
  return false;
};

const reviewRestJson = (ctx: GitHubFakeContext, repo: FakeRepo, review: FakeReview) => ({
  ...reviewJson(payloadContext(ctx, repo, pullOr404(ctx, repo, String(review.pullNumber))), review),
  state: review.state,
});

const commentRestJson = (repo: FakeRepo, comment: FakeComment) => ({
  id: comment.id,
  body: comment.body,
  user: { login: comment.user },
  created_at: comment.createdAt,
  html_url: `https://github.com/${fullName(repo)}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
});

const pullJson = (ctx: GitHubFakeContext, repo: FakeRepo, pull: FakePull) => {
  const headSha = repo.refs.get(`heads/${pull.head}`) ?? null;
  const baseSha = repo.refs.get(`heads/${pull.base}`) ?? null;
  return {
    id: pull.id,
    node_id: `PR_${pull.id}`,
    number: pull.number,
    url: `${ctx.url()}/repos/${fullName(repo)}/pulls/${pull.number}`,
    html_url: `https://github.com/${fullName(repo)}/pull/${pull.number}`,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: pull.state === 'open' ? true : null,
    mergeable_state: pull.draft ? 'draft' : 'clean',
    user: { login: pull.user, type: 'Bot' },
    head: { label: `${repo.owner}:${pull.head}`, ref: pull.head, sha: headSha, repo: repoJson(ctx, repo) },
    base: { label: `${repo.owner}:${pull.base}`, ref: pull.base, sha: baseSha, repo: repoJson(ctx, repo) },
    created_at: pull.createdAt,
    updated_at: pull.mergedAt ?? pull.closedAt ?? pull.createdAt,
    closed_at: pull.closedAt ?? null,
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    merged_by: pull.mergedBy === undefined ? null : { login: pull.mergedBy },
  };
};

const runJson = (ctx: GitHubFakeContext, run: FakeRun) => ({
  id: run.id,
  name: run.name,
  node_id: `WFR_${run.id}`,
  head_branch: run.headBranch,
  head_sha: run.headSha,
  run_number: run.id,
  run_attempt: run.runAttempt,
  event: run.event,
  status: run.status,
  conclusion: run.conclusion,
  workflow_id: run.workflowId,
  check_suite_id: run.id + 500_000,
  url: `${ctx.url()}/repos/${run.repo}/actions/runs/${run.id}`,
  html_url: `https://github.com/${run.repo}/actions/runs/${run.id}`,
  jobs_url: `${ctx.url()}/repos/${run.repo}/actions/runs/${run.id}/jobs`,
  logs_url: `${ctx.url()}/repos/${run.repo}/actions/runs/${run.id}/logs`,
  created_at: run.createdAt,
  updated_at: run.createdAt,
});

const jobJson = (ctx: GitHubFakeContext, job: FakeJob) => ({
  id: job.id,
  run_id: job.runId,
  run_attempt: job.runAttempt,
  node_id: `CR_${job.id}`,
  name: job.name,
  status: job.status,
  conclusion: job.conclusion,
  started_at: '2024-01-02T00:00:00Z',
  completed_at: job.status === 'completed' ? '2024-01-02T00:05:00Z' : null,
  url: `${ctx.url()}/repos/${job.repo}/actions/jobs/${job.id}`,
  html_url: `https://github.com/${job.repo}/actions/runs/${job.runId}/job/${job.id}`,
  check_run_url: `${ctx.url()}/repos/${job.repo}/check-runs/${job.id}`,
  steps: job.steps,
  labels: ['ubuntu-latest'],
});

/** A JSON list answer with GitHub's Link header pagination. */
const listAnswer = <T>(
  ctx: GitHubFakeContext,
  req: FakeRequest,
  items: readonly T[],
  wrap?: (page: T[]) => unknown,
): FakeResponse => {
  const { items: page, page: n, lastPage } = paginate(items, req.query);
  const link = linkHeader(ctx.url(), req.path, req.query, n, lastPage);
  return json(wrap === undefined ? page : wrap(page), 200, link === undefined ? {} : { link });
};

const parseSearch = (q: string): { terms: string[]; qualifiers: [string, string][] } => {
  const tokens = q.match(/"[^"]*"|\S+/g) ?? [];
  const terms: string[] = [];
  const qualifiers: [string, string][] = [];
  for (const token of tokens) {
    const m = /^(org|repo|user|path|language|extension|filename|in):(.+)$/i.exec(token);
    if (m !== null) qualifiers.push([(m[1] as string).toLowerCase(), (m[2] as string).replace(/"/g, '')]);
    else terms.push(token.replace(/"/g, '').toLowerCase());
  }
  return { terms, qualifiers };
};

/** Builds the route table of the GitHub REST API subset the project uses. */
export const githubRoutes = (ctx: GitHubFakeContext): Router => {
  const r = new Router();
  const { state } = ctx;

  r.on('POST', '/app/installations/:id/access_tokens', (req) => {
    const jwt = tokenOf(req);
    if (jwt === undefined) throw ghError(401, 'A JSON web token could not be decoded');
    const appId = verifyAppJwt(ctx, jwt);
    const app = state.apps.get(appId);
    if (app === undefined || !app.installations.has(req.params.id as string)) throw notFound();
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    state.installationTokens.set(token, { installationId: req.params.id as string, expiresAt });
    return json(
      {
        token,
        expires_at: expiresAt,
        permissions: { contents: 'write', pull_requests: 'write' },
        repository_selection: 'all',
      },
      201,
    );
  });

  r.on('GET', '/repos/:owner/:repo', (req) => json(repoJson(ctx, repoOr404(ctx, req.params))));

  r.on('GET', '/orgs/:org/repos', (req) => {
    const org = (req.params.org as string).toLowerCase();
    const repos = [...state.repos.values()].filter((repo) => repo.owner.toLowerCase() === org);
    if (repos.length === 0 && ![...state.repos.values()].some((x) => x.owner.toLowerCase() === org)) {
      throw notFound();
    }
    const sort = req.query.sort ?? 'created';
    const direction = req.query.direction ?? (sort === 'full_name' ? 'asc' : 'desc');
    const key = (repo: FakeRepo) =>
      sort === 'full_name'
        ? fullName(repo)
        : sort === 'pushed'
          ? repo.pushedAt
          : String(repo.id).padStart(10, '0');
    repos.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (direction === 'asc' ? 1 : -1));
    return listAnswer(
      ctx,
      req,
      repos.map((repo) => repoJson(ctx, repo)),
    );
  });

  r.on('GET', '/search/code', (req) => {
    const q = req.query.q ?? '';
    const { terms, qualifiers } = parseSearch(q);
    if (terms.length === 0) {
      throw validationFailed([{ resource: 'Search', field: 'q', code: 'missing' }]);
    }
    const textMatch = (req.headers.accept ?? '').includes('text-match');
    const hits: unknown[] = [];
    for (const repo of state.repos.values()) {
      const name = fullName(repo).toLowerCase();
      const ok = qualifiers.every(([k, v]) => {
        const value = v.toLowerCase();
        if (k === 'org' || k === 'user') return repo.owner.toLowerCase() === value;
        if (k === 'repo') return name === value;
        if (k === 'language') return (repo.language ?? '').toLowerCase() === value;
        return true;
      });
      if (!ok) continue;
      const head = repo.refs.get(`heads/${repo.defaultBranch}`);
      if (head === undefined) continue;
      for (const [path, file] of state.git.flatten(commitTree(ctx, head))) {
        const pathOk = qualifiers.every(([k, v]) => {
          if (k === 'path') return path.toLowerCase().startsWith(v.toLowerCase().replace(/^\//, ''));
          if (k === 'extension') return path.toLowerCase().endsWith(`.${v.toLowerCase()}`);
          if (k === 'filename') return (path.split('/').pop() ?? '').toLowerCase() === v.toLowerCase();
          return true;
        });
        if (!pathOk) continue;
        const content = blobOf(ctx, file.sha).toString('utf8');
        const lower = content.toLowerCase();
        if (!terms.every((t) => lower.includes(t) || path.toLowerCase().includes(t))) continue;
        const fragmentStart = Math.max(0, lower.indexOf(terms[0] as string) - 40);
        const fragment = content.slice(fragmentStart, fragmentStart + 120);
        hits.push({
          name: path.split('/').pop(),
          path,
          sha: file.sha,
          url: `${ctx.url()}/repos/${fullName(repo)}/contents/${path}?ref=${head}`,
          git_url: `${ctx.url()}/repos/${fullName(repo)}/git/blobs/${file.sha}`,
          html_url: `https://github.com/${fullName(repo)}/blob/${head}/${path}`,
          repository: repoJson(ctx, repo),
          score: 1,
          ...(textMatch
            ? { text_matches: [{ object_type: 'FileContent', property: 'content', fragment, matches: [] }] }
            : {}),
        });
      }
    }
    return listAnswer(ctx, req, hits, (page) => ({
      total_count: hits.length,
      incomplete_results: false,
      items: page,
    }));
  });

  r.on('GET', '/repos/:owner/:repo/git/trees/:sha', (req) => {
    const repo = repoOr404(ctx, req.params);
    const ref = req.params.sha as string;
    const commitSha = resolveCommit(ctx, repo, ref);
    const treeSha = commitSha === undefined ? ref : commitTree(ctx, commitSha);
    const tree = state.git.get(treeSha);
    if (tree?.type !== 'tree') throw notFound();
    const recursive =
      req.query.recursive !== undefined && req.query.recursive !== '0' && req.query.recursive !== 'false';
    const entries = recursive
      ? state.git.walk(treeSha)
      : tree.entries.map((entry) => ({ path: entry.name, entry }));
    return json({
      sha: treeSha,
      url: `${ctx.url()}/repos/${fullName(repo)}/git/trees/${treeSha}`,
      tree: entries.map(({ path, entry }) => ({
        path,
        mode: entry.mode,
        type: entry.type,
        sha: entry.sha,
        ...(entry.type === 'blob' ? { size: blobOf(ctx, entry.sha).length } : {}),
        url: `${ctx.url()}/repos/${fullName(repo)}/git/${entry.type === 'blob' ? 'blobs' : 'trees'}/${entry.sha}`,
      })),
      truncated: false,
    });
  });

  const contents = (req: FakeRequest): FakeResponse => {
    const repo = repoOr404(ctx, req.params);
    const commitSha = resolveCommit(ctx, repo, req.query.ref ?? repo.defaultBranch);
    if (commitSha === undefined) throw ghError(404, `No commit found for the ref ${req.query.ref}`);
    const path = (req.params.path ?? '').replace(/^\/+|\/+$/g, '');
    const found = lookup(ctx, commitSha, path);
    if (found === undefined) throw notFound();
    const base = `${ctx.url()}/repos/${fullName(repo)}/contents`;
    if (found.kind === 'dir') {
      return json(
        found.entries.map((e) => {
          const p = path === '' ? e.name : `${path}/${e.name}`;
          return {
            type: e.type === 'tree' ? 'dir' : 'file',
            name: e.name,
            path: p,
            sha: e.sha,
            size: e.type === 'blob' ? blobOf(ctx, e.sha).length : 0,
            url: `${base}/${p}`,
          };
        }),
      );
    }
    const bytes = blobOf(ctx, found.sha);
    const tooLarge = bytes.length > state.contentsMaxBytes;
    return json({
      type: 'file',
      encoding: tooLarge ? 'none' : 'base64',
      size: bytes.length,
      name: path.split('/').pop(),
      path,
      content: tooLarge ? '' : wrap60(bytes.toString('base64')),
      sha: found.sha,
      url: `${base}/${path}?ref=${commitSha}`,
      git_url: `${ctx.url()}/repos/${fullName(repo)}/git/blobs/${found.sha}`,
      html_url: `https://github.com/${fullName(repo)}/blob/${commitSha}/${path}`,
      download_url: null,
    });
  };
  r.on('GET', '/repos/:owner/:repo/contents', contents);
  r.on('GET', '/repos/:owner/:repo/contents/*path', contents);

  r.on('PUT', '/repos/:owner/:repo/contents/*path', (req) => {
    const repo = repoOr404(ctx, req.params);
    const body = asRecord(req.body);
    const path = (req.params.path as string).replace(/^\/+/, '');
    if (typeof body.message !== 'string' || typeof body.content !== 'string') {
      throw validationFailed(
        [{ resource: 'Commit', field: 'message', code: 'missing_field' }],
        'Invalid request.',
      );
    }
    const branch = typeof body.branch === 'string' ? body.branch : repo.defaultBranch;
    const head = repo.refs.get(`heads/${branch}`);
    if (head === undefined) throw ghError(404, `Branch ${branch} not found`);
    const existing = lookup(ctx, head, path);
    if (existing?.kind === 'dir') throw ghError(422, 'path is a directory');
    if (existing !== undefined && body.sha === undefined) {
      throw ghError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
    }
    if (existing !== undefined && body.sha !== existing.sha) {
      throw ghError(409, `${path} does not match ${String(body.sha)}`);
    }
    const flat = state.git.flatten(commitTree(ctx, head));
    const blob = state.git.putBlob(Buffer.from(body.content, 'base64'));
    flat.set(path, { sha: blob, mode: '100644' });
    const commit = state.git.putCommit({
      tree: state.git.buildTree(flat),
      parents: [head],
      message: body.message,
    });
    repo.refs.set(`heads/${branch}`, commit);
    repo.pushedAt = new Date().toISOString();
    return json(
      {
        content: {
          name: path.split('/').pop(),
          path,
          sha: blob,
          size: Buffer.from(body.content, 'base64').length,
          type: 'file',
        },
        commit: commitJson(ctx, repo, commit),
      },
      existing === undefined ? 201 : 200,
    );
  });

  r.on('GET', '/repos/:owner/:repo/git/ref/*ref', (req) => {
    const repo = repoOr404(ctx, req.params);
    const ref = (req.params.ref as string).replace(/^refs\//, '');
    const sha = repo.refs.get(ref);
    if (sha === undefined) throw notFound();
    return json(refJson(ctx, repo, ref, sha));
  });

  r.on('POST', '/repos/:owner/:repo/git/refs', (req) => {
    const repo = repoOr404(ctx, req.params);
    const body = asRecord(req.body);
    if (typeof body.ref !== 'string' || !body.ref.startsWith('refs/') || body.ref.split('/').length < 3) {
      throw ghError(422, "Reference name must start with 'refs/' and have at least two slashes.");
    }
    if (typeof body.sha !== 'string' || state.git.get(body.sha)?.type !== 'commit') {
      throw ghError(422, 'Object does not exist');
    }
    const ref = body.ref.replace(/^refs\//, '');
    if (repo.refs.has(ref)) throw ghError(422, 'Reference already exists');
    repo.refs.set(ref, body.sha);
    return json(refJson(ctx, repo, ref, body.sha), 201);
  });

  r.on('PATCH', '/repos/:owner/:repo/git/refs/*ref', (req) => {
    const repo = repoOr404(ctx, req.params);
    const ref = (req.params.ref as string).replace(/^refs\//, '');
    const body = asRecord(req.body);
    const current = repo.refs.get(ref);
    if (current === undefined) throw ghError(422, 'Reference does not exist');
    if (typeof body.sha !== 'string' || state.git.get(body.sha)?.type !== 'commit') {
      throw ghError(422, 'Object does not exist');
    }
    if (body.force !== true && !isAncestor(ctx, current, body.sha)) {
      throw ghError(422, 'Update is not a fast forward');
    }
    repo.refs.set(ref, body.sha);
    repo.pushedAt = new Date().toISOString();
    return json(refJson(ctx, repo, ref, body.sha));
  });

  r.on('GET', '/repos/:owner/:repo/git/commits/:sha', (req) => {
    const repo = repoOr404(ctx, req.params);
    return json(commitJson(ctx, repo, req.params.sha as string));
  });

  r.on('GET', '/repos/:owner/:repo/commits/:ref', (req) => {
    const repo = repoOr404(ctx, req.params);
    const sha = resolveCommit(ctx, repo, req.params.ref as string);
    if (sha === undefined) throw ghError(422, `No commit found for SHA: ${req.params.ref}`);
    const commit = commitJson(ctx, repo, sha);
    return json({ sha, url: commit.url, html_url: commit.html_url, commit, parents: commit.parents });
  });

  r.on('POST', '/repos/:owner/:repo/git/blobs', (req) => {
    const repo = repoOr404(ctx, req.params);
    const body = asRecord(req.body);
    if (typeof body.content !== 'string')
      throw validationFailed([{ resource: 'Blob', field: 'content', code: 'missing_field' }]);
    const bytes = Buffer.from(body.content, body.encoding === 'base64' ? 'base64' : 'utf8');
    const sha = state.git.putBlob(bytes);
    return json({ sha, url: `${ctx.url()}/repos/${fullName(repo)}/git/blobs/${sha}` }, 201);
  });

  r.on('GET', '/repos/:owner/:repo/git/blobs/:sha', (req) => {
    const repo = repoOr404(ctx, req.params);
    const bytes = blobOf(ctx, req.params.sha as string);
    return json({
      sha: req.params.sha,
      size: bytes.length,
      encoding: 'base64',
      content: wrap60(bytes.toString('base64')),
      url: `${ctx.url()}/repos/${fullName(repo)}/git/blobs/${req.params.sha}`,
    });
  });

  r.on('POST', '/repos/:owner/:repo/git/trees', (req) => {
    const repo = repoOr404(ctx, req.params);
    const body = asRecord(req.body);
    const entries = Array.isArray(body.tree) ? (body.tree as Record<string, unknown>[]) : undefined;
    if (entries === undefined)
      throw validationFailed(
        [{ resource: 'Tree', field: 'tree', code: 'missing_field' }],
        'Invalid tree info',
      );
    let flat = new Map<string, FlatFile>();
    if (typeof body.base_tree === 'string') {
      if (state.git.get(body.base_tree)?.type !== 'tree') throw ghError(422, 'Invalid tree info');
      flat = state.git.flatten(body.base_tree);
    }
    for (const entry of entries) {
      const path = entry.path;
      if (
        typeof path !== 'string' ||
        path === '' ||
        path.startsWith('/') ||
        path.split('/').some((s) => s === '' || s === '.' || s === '..')
      ) {
        throw ghError(422, `tree.path contains a malformed path component`);
      }
      if (entry.sha === null) {
        flat.delete(path);
        continue;
      }
      const mode = (entry.mode ?? '100644') as FlatFile['mode'];
      if (typeof entry.content === 'string') {
        flat.set(path, { sha: state.git.putBlob(entry.content), mode });
      } else if (typeof entry.sha === 'string' && state.git.get(entry.sha)?.type === 'blob') {
        flat.set(path, { sha: entry.sha, mode });
      } else {
        throw ghError(422, 'Invalid tree info');
      }
    }
    const sha = state.git.buildTree(flat);
    const tree = state.git.get(sha);
    return json(
      {
        sha,
        url: `${ctx.url()}/repos/${fullName(repo)}/git/trees/${sha}`,
        tree:
          tree?.type === 'tree'
            ? tree.entries.map((e) => ({ path: e.name, mode: e.mode, type: e.type, sha: e.sha }))
            : [],
        truncated: false,
      },
      201,
    );
  });

  r.on('POST', '/repos/:owner/:repo/git/commits', (req) => {
    const repo = repoOr404(ctx, req.params);
    const body = asRecord(req.body);
    if (
      typeof body.message !== 'string' ||
      typeof body.tree !== 'string' ||
      state.git.get(body.tree)?.type !== 'tree'
    ) {
      throw validationFailed([{ resource: 'Commit', field: 'tree', code: 'invalid' }]);
    }
    const parents = Array.isArray(body.parents) ? (body.parents as unknown[]).map(String) : [];
    if (parents.some((p) => state.git.get(p)?.type !== 'commit'))
      throw ghError(422, 'Parent SHA does not exist or is not a commit object');
    const sha = state.git.putCommit({ tree: body.tree, parents, message: body.message });
    return json(commitJson(ctx, repo, sha), 201);
  });

  r.on('GET', '/repos/:owner/:repo/pulls', (req) => {
    const repo = repoOr404(ctx, req.params);
    const want = req.query.state ?? 'open';
    const head = req.query.head?.includes(':') ? req.query.head.split(':')[1] : req.query.head;
    const pulls = state.pulls.filter(
      (p) =>
        p.repo === fullName(repo).toLowerCase() &&
        (want === 'all' || p.state === want) &&
        (head === undefined || p.head === head) &&
        (req.query.base === undefined || p.base === req.query.base),
    );
    return listAnswer(
      ctx,
      req,
      pulls.map((p) => pullJson(ctx, repo, p)),
    );
  });

  r.on('POST', '/repos/:owner/:repo/pulls', (req) => {
    const repo = repoOr404(ctx, req.params);
    const body = asRecord(req.body);
    const headRaw = typeof body.head === 'string' ? body.head : '';
    const head = headRaw.includes(':') ? (headRaw.split(':')[1] as string) : headRaw;
    const base = typeof body.base === 'string' ? body.base : '';
    if (typeof body.title !== 'string' || body.title === '') {
      throw validationFailed([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    }
    const headSha = repo.refs.get(`heads/${head}`);
    if (headSha === undefined)
      throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    const baseSha = repo.refs.get(`heads/${base}`);
    if (baseSha === undefined)
      throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (headSha === baseSha || isAncestor(ctx, headSha, baseSha)) {
      throw validationFailed([
        { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
      ]);
    }
    const repoName = fullName(repo).toLowerCase();
    if (state.pulls.some((p) => p.repo === repoName && p.head === head && p.state === 'open')) {
      throw validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${repo.owner}:${head}.`,
        },
      ]);
    }
    const number = state.nextPullNumber(repoName);
    const pull: FakePull = {
      id: state.id(),
      number,
      repo: repoName,
      title: body.title,
      body: typeof body.body === 'string' ? body.body : null,
      head,
      base,
      draft: body.draft === true,
      state: 'open',
      merged: false,
      user: actorOf(ctx, req),
      createdAt: new Date().toISOString(),
    };
    state.pulls.push(pull);
    emitPullRequest(ctx, repo, pull, 'opened', pull.user);
    return json(pullJson(ctx, repo, pull), 201);
  });

  r.on('GET', '/repos/:owner/:repo/pulls/:number', (req) => {
    const repo = repoOr404(ctx, req.params);
    return json(pullJson(ctx, repo, pullOr404(ctx, repo, req.params.number)));
  });

  r.on('PATCH', '/repos/:owner/:repo/pulls/:number', (req) => {
    const repo = repoOr404(ctx, req.params);
    const pull = pullOr404(ctx, repo, req.params.number);
    const body = asRecord(req.body);
    if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed')
      throw validationFailed([{ resource: 'PullRequest', field: 'state', code: 'invalid' }]);
    if (typeof body.title === 'string') pull.title = body.title;
    if (typeof body.body === 'string') pull.body = body.body;
    const actor = actorOf(ctx, req);
    if (body.state === 'closed' && pull.state === 'open') {
      pull.state = 'closed';
      pull.closedAt = new Date().toISOString();
      emitPullRequest(ctx, repo, pull, 'closed', actor);
    } else if (body.state === 'open' && pull.state === 'closed') {
      if (pull.merged)
        throw validationFailed([
          {
            resource: 'PullRequest',
            code: 'custom',
            message:
              'state cannot be changed. The pull request cannot be reopened because it has been merged.',
          },
        ]);
      pull.state = 'open';
      delete pull.closedAt;
      emitPullRequest(ctx, repo, pull, 'reopened', actor);
    }
    return json(pullJson(ctx, repo, pull));
  });

  r.on('PUT', '/repos/:owner/:repo/pulls/:number/merge', (req) => {
    const repo = repoOr404(ctx, req.params);
    const pull = pullOr404(ctx, repo, req.params.number);
    const body = asRecord(req.body);
    if (pull.state !== 'open') throw ghError(405, 'Pull Request is not mergeable');
    if (pull.draft) throw ghError(405, 'Pull Request is still a draft');
    const headSha = repo.refs.get(`heads/${pull.head}`);
    const baseSha = repo.refs.get(`heads/${pull.base}`);
    if (headSha === undefined || baseSha === undefined) throw ghError(405, 'Pull Request is not mergeable');
    if (typeof body.sha === 'string' && body.sha !== headSha)
      throw ghError(409, 'Head branch was modified. Review and try the merge again.');
    const title =
      typeof body.commit_title === 'string'
        ? body.commit_title
        : `Merge pull request #${pull.number} from ${repo.owner}/${pull.head}`;
    const sha = state.git.putCommit({
      tree: commitTree(ctx, headSha),
      parents: [baseSha, headSha],
      message: title,
    });
    repo.refs.set(`heads/${pull.base}`, sha);
    repo.pushedAt = new Date().toISOString();
    const actor = actorOf(ctx, req);
    Object.assign(pull, {
      state: 'closed',
      merged: true,
      closedAt: repo.pushedAt,
      mergedAt: repo.pushedAt,
      mergedBy: actor,
      mergeCommitSha: sha,
    });
    emitPullRequest(ctx, repo, pull, 'closed', actor);
    return json({ sha, merged: true, message: 'Pull Request successfully merged' });
  });

  r.on('GET', '/repos/:owner/:repo/pulls/:number/reviews', (req) => {
    const repo = repoOr404(ctx, req.params);
    const pull = pullOr404(ctx, repo, req.params.number);
    const reviews = state.reviews.filter((x) => x.repo === pull.repo && x.pullNumber === pull.number);
    return listAnswer(
      ctx,
      req,
      reviews.map((x) => reviewRestJson(ctx, repo, x)),
    );
  });

  r.on('POST', '/repos/:owner/:repo/pulls/:number/reviews', (req) => {
    const repo = repoOr404(ctx, req.params);
    const pull = pullOr404(ctx, repo, req.params.number);
    const body = asRecord(req.body);
    const actor = actorOf(ctx, req);
    const events = {
      APPROVE: 'APPROVED',
      REQUEST_CHANGES: 'CHANGES_REQUESTED',
      COMMENT: 'COMMENTED',
    } as const;
    const event = body.event === undefined ? undefined : events[String(body.event) as keyof typeof events];
    if (body.event !== undefined && event === undefined)
      throw validationFailed([{ resource: 'PullRequestReview', field: 'event', code: 'invalid' }]);
    const text = typeof body.body === 'string' && body.body !== '' ? body.body : null;
    if ((event === 'CHANGES_REQUESTED' || event === 'COMMENTED') && text === null)
      throw ghError(422, 'Unprocessable Entity', {
        errors: [`Review body is required when the event is ${String(body.event)}`],
      });
    if (event !== undefined && event !== 'COMMENTED' && actor.toLowerCase() === pull.user.toLowerCase())
      throw ghError(422, 'Unprocessable Entity', {
        errors: [`Can not ${event === 'APPROVED' ? 'approve' : 'request changes on'} your own pull request`],
      });
    const inline = Array.isArray(body.comments) ? (body.comments as Record<string, unknown>[]) : [];
    for (const c of inline) {
      if (typeof c.path !== 'string' || typeof c.body !== 'string' || c.body === '')
        throw validationFailed([
          { resource: 'PullRequestReviewComment', field: 'body', code: 'missing_field' },
        ]);
    }
    const now = new Date().toISOString();
    const review: FakeReview = {
      id: state.id(),
      repo: pull.repo,
      pullNumber: pull.number,
      user: actor,
      body: text,
      state: event ?? 'PENDING',
      commitId:
        typeof body.commit_id === 'string' ? body.commit_id : (repo.refs.get(`heads/${pull.head}`) ?? null),
      submittedAt: now,
    };
    state.reviews.push(review);
    for (const c of inline) {
      state.reviewComments.push({
        id: state.id(),
        reviewId: review.id,
        repo: pull.repo,
        pullNumber: pull.number,
        path: c.path as string,
        line: typeof c.line === 'number' ? c.line : null,
        body: c.body as string,
        user: actor,
        createdAt: now,
      });
    }
    // A pending review is a draft: GitHub sends nothing until it is submitted.
    if (review.state !== 'PENDING')
      emit(ctx, repo, 'pull_request_review', actor, {
        action: 'submitted',
        review: reviewJson(payloadContext(ctx, repo, pull), review),
        pull_request: pullRequestJson(payloadContext(ctx, repo, pull), pull),
      });
    return json(reviewRestJson(ctx, repo, review));
  });

  r.on('GET', '/repos/:owner/:repo/pulls/:number/reviews/:id/comments', (req) => {
    const repo = repoOr404(ctx, req.params);
    const pull = pullOr404(ctx, repo, req.params.number);
    const review = state.reviews.find(
      (x) => x.repo === pull.repo && x.pullNumber === pull.number && String(x.id) === req.params.id,
    );
    if (review === undefined) throw notFound();
    const comments = state.reviewComments.filter((c) => c.reviewId === review.id);
    return listAnswer(
      ctx,
      req,
      comments.map((c) => ({
        id: c.id,
        pull_request_review_id: c.reviewId,
        path: c.path,
        line: c.line,
        original_line: c.line,
        body: c.body,
        user: userJson(ctx.url(), c.user),
        created_at: c.createdAt,
        updated_at: c.createdAt,
        html_url: `https://github.com/${fullName(repo)}/pull/${pull.number}#discussion_r${c.id}`,
        pull_request_url: `${ctx.url()}/repos/${fullName(repo)}/pulls/${pull.number}`,
      })),
    );
  });

  r.on('GET', '/repos/:owner/:repo/issues/:number/comments', (req) => {
    const repo = repoOr404(ctx, req.params);
    const comments = state.comments.filter(
      (c) => c.repo === fullName(repo).toLowerCase() && String(c.issueNumber) === req.params.number,
    );
    return listAnswer(
      ctx,
      req,
      comments.map((c) => commentRestJson(repo, c)),
    );
  });

  r.on('POST', '/repos/:owner/:repo/issues/:number/comments', (req) => {
    const repo = repoOr404(ctx, req.params);
    const body = asRecord(req.body);
    const number = Number(req.params.number);
    const pull = pullOr404(ctx, repo, req.params.number);
    if (typeof body.body !== 'string' || body.body === '') {
      throw validationFailed([{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
    }
    if (body.body.length > 65_536)
      throw validationFailed([
        {
          resource: 'IssueComment',
          field: 'body',
          code: 'custom',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ]);
    const comment: FakeComment = {
      id: state.id(),
      repo: fullName(repo).toLowerCase(),
      issueNumber: number,
      body: body.body,
      user: actorOf(ctx, req),
      createdAt: new Date().toISOString(),
    };
    state.comments.push(comment);
    const payloadCtx = payloadContext(ctx, repo, pull);
    emit(ctx, repo, 'issue_comment', comment.user, {
      action: 'created',
      issue: pullRequestIssueJson(payloadCtx, pull),
      comment: issueCommentJson(payloadCtx, comment),
    });
    return json(commentRestJson(repo, comment), 201);
  });

  r.on('GET', '/repos/:owner/:repo/actions/runs', (req) => {
    const repo = repoOr404(ctx, req.params);
    const runs = state.runs
      .filter(
        (run) =>
          run.repo === fullName(repo).toLowerCase() &&
          (req.query.head_sha === undefined || run.headSha === req.query.head_sha) &&
          (req.query.branch === undefined || run.headBranch === req.query.branch) &&
          (req.query.status === undefined ||
            run.status === req.query.status ||
            run.conclusion === req.query.status),
      )
      .reverse();
    return listAnswer(ctx, req, runs, (page) => ({
      total_count: runs.length,
      workflow_runs: page.map((run) => runJson(ctx, run)),
    }));
  });

  r.on('GET', '/repos/:owner/:repo/actions/runs/:id', (req) => {
    const repo = repoOr404(ctx, req.params);
    const run = state.runs.find(
      (x) => x.repo === fullName(repo).toLowerCase() && String(x.id) === req.params.id,
    );
    if (run === undefined) throw notFound();
    return json(runJson(ctx, run));
  });

  r.on('GET', '/repos/:owner/:repo/actions/runs/:id/jobs', (req) => {
    const repo = repoOr404(ctx, req.params);
    const run = state.runs.find(
      (x) => x.repo === fullName(repo).toLowerCase() && String(x.id) === req.params.id,
    );
    if (run === undefined) throw notFound();
    const jobs = state.jobs.filter((job) => job.runId === run.id);
    return listAnswer(ctx, req, jobs, (page) => ({
      total_count: jobs.length,
      jobs: page.map((job) => jobJson(ctx, job)),
    }));
  });

  const jobOr404 = (req: FakeRequest): FakeJob => {
    const repo = repoOr404(ctx, req.params);
    const job = state.jobs.find(
      (x) => x.repo === fullName(repo).toLowerCase() && String(x.id) === req.params.id,
    );
    if (job === undefined) throw notFound();
    return job;
  };

  r.on('GET', '/repos/:owner/:repo/actions/jobs/:id', (req) => json(jobJson(ctx, jobOr404(req))));

  r.on('GET', '/repos/:owner/:repo/actions/jobs/:id/logs', (req) => {
    const job = jobOr404(req);
    // GitHub answers with a short-lived redirect to blob storage.
    return {
      status: 302,
      headers: { location: `${ctx.url()}/_fake/job-logs/${job.id}?sig=${randomBytes(6).toString('hex')}` },
    };
  });

  r.on('GET', '/repos/:owner/:repo/check-runs/:id/annotations', (req) => {
    const job = jobOr404(req);
    return listAnswer(
      ctx,
      req,
      job.annotations.map((a) => ({
        ...a,
        start_column: null,
        end_column: null,
        title: a.title ?? '',
        raw_details: a.raw_details ?? null,
        blob_href: `https://github.com/${job.repo}/blob/x/${a.path}`,
      })),
    );
  });

  r.on('GET', '/repos/:owner/:repo/collaborators/:user/permission', (req) => {
    const repo = repoOr404(ctx, req.params);
    const permission = state.permissions.get(
      `${fullName(repo).toLowerCase()}#${(req.params.user as string).toLowerCase()}`,
    );
    if (permission === undefined) throw ghError(404, `${req.params.user} is not a user`);
    const folded = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
    return json({ permission: folded, role_name: permission, user: { login: req.params.user } });
  });

  return r;
};

/** Routes that need no credentials (pre-signed log URLs). */
export const publicRoutes = (ctx: GitHubFakeContext): Router =>
  new Router().on('GET', '/_fake/job-logs/:id', (req) => {
    const job = ctx.state.jobs.find((x) => String(x.id) === req.params.id);
    if (job === undefined) throw new FakeHttpError(404, 'BlobNotFound');
    return { status: 200, body: job.log };
  });
