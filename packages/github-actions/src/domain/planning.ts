import { type ActionContext, ActionError } from '@enterprise-agents/core/bedrock';
import { UpstreamError } from '@enterprise-agents/core/http';
import { ciStateOf } from './ci';
import {
  checkAgentBranch,
  checkFileSize,
  checkRepo,
  checkWritablePath,
  type Guardrails,
  type RepoRef,
} from './guardrails';
import type { AuditLog, PullInfo, RepoHost, RepoInfo } from './ports';

/** Dependencies of the write tools. */
export interface PlanningDeps {
  host: RepoHost;
  guardrails: Guardrails;
  audit: AuditLog;
}

const MAX_COMMENT_CHARS = 65_000;
const MAX_MESSAGE_CHARS = 5_000;

/** Every write belongs to a task, so it can be put on that task's timeline. */
export const requireTask = (ctx: Pick<ActionContext, 'taskId'>): string => {
  if (ctx.taskId === undefined || ctx.taskId === '') {
    throw new ActionError(
      400,
      'this session has no taskId attribute; writes are only allowed inside a task run',
    );
  }
  return ctx.taskId;
};

const repoInfo = async (host: RepoHost, repo: RepoRef): Promise<RepoInfo> => {
  try {
    return await host.getRepo(repo.fullName);
  } catch (error) {
    if (error instanceof UpstreamError && error.status === 404) {
      throw new ActionError(404, `repository ${repo.fullName} not found`);
    }
    throw error;
  }
};

/** Agent branch that is also not the repository's default branch (whatever its name). */
const writableBranch = (guardrails: Guardrails, info: RepoInfo, branch: string): string => {
  checkAgentBranch(guardrails, branch);
  if (branch === info.defaultBranch) {
    throw new ActionError(
      403,
      `${branch} is the default branch of ${info.fullName}; the agent never writes to it`,
    );
  }
  if (info.archived) throw new ActionError(403, `${info.fullName} is archived; it cannot be written`);
  return branch;
};

const checkMessage = (message: string): string => {
  const trimmed = message.trim();
  if (trimmed === '') throw new ActionError(400, 'message must not be empty');
  if (trimmed.length > MAX_MESSAGE_CHARS)
    throw new ActionError(400, `message is longer than ${MAX_MESSAGE_CHARS} characters`);
  return trimmed;
};

/** Creates an agent branch; an existing branch is returned as is (retries are harmless). */
export const createBranch = async (
  deps: PlanningDeps,
  args: { repo: string; branch: string; fromRef?: string },
  ctx: Pick<ActionContext, 'taskId'>,
) => {
  const taskId = requireTask(ctx);
  const repo = checkRepo(deps.guardrails, args.repo);
  const info = await repoInfo(deps.host, repo);
  const branch = writableBranch(deps.guardrails, info, args.branch);
  const from = args.fromRef === undefined || args.fromRef === '' ? info.defaultBranch : args.fromRef;
  const sha = await deps.host.resolveCommit(repo.fullName, from);
  if (sha === undefined)
    throw new ActionError(404, `fromRef "${from}" is neither a branch nor a commit of ${repo.fullName}`);
  const outcome = await deps.host.createBranch(repo.fullName, branch, sha);
  if (outcome === 'exists') {
    const head = await deps.host.branchHead(repo.fullName, branch);
    return {
      repo: repo.fullName,
      branch,
      sha: head,
      created: false,
      note: 'branch already existed; left unchanged',
    };
  }
  await deps.audit.append(taskId, {
    type: 'github.write',
    message: `created branch ${branch} in ${repo.fullName} from ${from}`,
    data: { operation: 'createBranch', repo: repo.fullName, branch, sha, from },
  });
  return { repo: repo.fullName, branch, sha, created: true };
};

/**
 * Writes several files in one commit through the git data API (tree on top of
 * the branch head, commit, fast-forward). Unchanged content makes no commit, so
 * a retried call does not add an empty commit.
 */
export const commitFiles = async (
  deps: PlanningDeps,
  args: {
    repo: string;
    branch: string;
    message: string;
    files: { path: string; content: string }[];
    expectedHeadSha?: string;
  },
  ctx: Pick<ActionContext, 'taskId'>,
) => {
  const taskId = requireTask(ctx);
  const { guardrails } = deps;
  const repo = checkRepo(guardrails, args.repo);
  const message = checkMessage(args.message);
  if (args.files.length === 0) throw new ActionError(400, 'files must contain at least one {path, content}');
  if (args.files.length > guardrails.maxFilesPerCommit) {
    throw new ActionError(
      413,
      `${args.files.length} files in one commit; the limit is ${guardrails.maxFilesPerCommit}. Split the change into several commits.`,
    );
  }
  const seen = new Set<string>();
  for (const file of args.files) {
    checkWritablePath(guardrails, file.path);
    checkFileSize(guardrails, file.path, file.content);
    const key = file.path.toLowerCase();
    if (seen.has(key)) throw new ActionError(400, `${file.path} appears twice in files`);
    seen.add(key);
  }
  const info = await repoInfo(deps.host, repo);
  const branch = writableBranch(guardrails, info, args.branch);
  let head = await deps.host.branchHead(repo.fullName, branch);
  if (head === undefined)
    throw new ActionError(
      404,
      `branch ${branch} does not exist in ${repo.fullName}; call createBranch first`,
    );
  for (let attempt = 0; ; attempt += 1) {
    if (
      args.expectedHeadSha !== undefined &&
      args.expectedHeadSha !== '' &&
      head !== args.expectedHeadSha.toLowerCase()
    ) {
      throw new ActionError(
        409,
        `branch ${branch} moved: its head is ${head}, not ${args.expectedHeadSha}; re-read and retry`,
      );
    }
    const baseTree = await deps.host.commitTree(repo.fullName, head);
    const tree = await deps.host.createTree(repo.fullName, baseTree, args.files);
    if (tree === baseTree) {
      return {
        repo: repo.fullName,
        branch,
        commitSha: head,
        changed: false,
        note: 'files already had this content; no commit made',
      };
    }
    const commit = await deps.host.createCommit(repo.fullName, message, tree, [head]);
    const moved = await deps.host.moveBranch(repo.fullName, branch, commit);
    if (moved === 'updated') {
      const paths = args.files.map((f) => f.path);
      await deps.audit.append(taskId, {
        type: 'github.write',
        message: `committed ${paths.length} file(s) to ${repo.fullName}@${branch}: ${message.split('\n')[0]}`,
        data: { operation: 'commitFiles', repo: repo.fullName, branch, sha: commit, parent: head, paths },
      });
      return { repo: repo.fullName, branch, commitSha: commit, parentSha: head, changed: true, files: paths };
    }
    // Someone pushed meanwhile: rebuild on the new head once (contents are whole files), then give up.
    const newHead = await deps.host.branchHead(repo.fullName, branch);
    if (attempt >= 1 || newHead === undefined || args.expectedHeadSha) {
      throw new ActionError(409, `branch ${branch} moved while committing; read it again and retry`);
    }
    head = newHead;
  }
};

/** Creates or replaces one file with its own commit (contents API). */
export const putFile = async (
  deps: PlanningDeps,
  args: { repo: string; branch: string; path: string; content: string; message: string },
  ctx: Pick<ActionContext, 'taskId'>,
) => {
  const taskId = requireTask(ctx);
  const { guardrails } = deps;
  const repo = checkRepo(guardrails, args.repo);
  const path = checkWritablePath(guardrails, args.path);
  checkFileSize(guardrails, path, args.content);
  const message = checkMessage(args.message);
  const info = await repoInfo(deps.host, repo);
  const branch = writableBranch(guardrails, info, args.branch);
  if ((await deps.host.branchHead(repo.fullName, branch)) === undefined) {
    throw new ActionError(
      404,
      `branch ${branch} does not exist in ${repo.fullName}; call createBranch first`,
    );
  }
  const existing = await deps.host.getContent(repo.fullName, path, branch);
  if (existing !== undefined && existing.kind !== 'file')
    throw new ActionError(400, `${path} is a directory`);
  if (existing?.kind === 'file') {
    const current = existing.content ?? (await deps.host.getBlob(repo.fullName, existing.sha));
    if (current.equals(Buffer.from(args.content, 'utf8'))) {
      return {
        repo: repo.fullName,
        branch,
        path,
        changed: false,
        note: 'file already has this content; no commit made',
      };
    }
  }
  const { commitSha } = await deps.host.putFile({
    repo: repo.fullName,
    branch,
    path,
    content: args.content,
    message,
    ...(existing?.kind === 'file' ? { sha: existing.sha } : {}),
  });
  await deps.audit.append(taskId, {
    type: 'github.write',
    message: `${existing === undefined ? 'created' : 'updated'} ${path} in ${repo.fullName}@${branch}`,
    data: { operation: 'putFile', repo: repo.fullName, branch, sha: commitSha, paths: [path] },
  });
  return { repo: repo.fullName, branch, path, commitSha, changed: true, created: existing === undefined };
};

const pullView = (pull: PullInfo) => ({
  number: pull.number,
  url: pull.url,
  state: pull.state,
  draft: pull.draft,
  merged: pull.merged,
  title: pull.title,
  head: pull.headRef,
  headSha: pull.headSha,
  base: pull.baseRef,
});

/** Opens a draft PR from an agent branch (always a draft); an open PR for the branch is returned instead. */
export const createDraftPullRequest = async (
  deps: PlanningDeps,
  args: { repo: string; head: string; base?: string; title: string; body: string },
  ctx: Pick<ActionContext, 'taskId'>,
) => {
  const taskId = requireTask(ctx);
  const { guardrails } = deps;
  const repo = checkRepo(guardrails, args.repo);
  const info = await repoInfo(deps.host, repo);
  const head = writableBranch(guardrails, info, args.head);
  const base = args.base === undefined || args.base === '' ? info.defaultBranch : args.base;
  if (base !== info.defaultBranch) {
    try {
      checkAgentBranch(guardrails, base);
    } catch {
      throw new ActionError(
        403,
        `base must be ${info.defaultBranch} (the default branch) or another ${guardrails.branchPrefix} branch`,
      );
    }
  }
  if (base === head) throw new ActionError(400, 'base and head must differ');
  const title = args.title.trim();
  if (title === '' || title.length > 256) throw new ActionError(400, 'title must be 1-256 characters');
  if (args.body.length > MAX_COMMENT_CHARS)
    throw new ActionError(413, `body is longer than ${MAX_COMMENT_CHARS} characters`);
  const existing = await deps.host.findOpenPull(repo.fullName, head);
  if (existing !== undefined)
    return { ...pullView(existing), created: false, note: 'a pull request for this branch is already open' };
  const pull = await deps.host.createDraftPull({ repo: repo.fullName, head, base, title, body: args.body });
  await deps.audit.append(taskId, {
    type: 'github.write',
    message: `opened draft PR #${pull.number} in ${repo.fullName}: ${title}`,
    data: {
      operation: 'createDraftPullRequest',
      repo: repo.fullName,
      branch: head,
      base,
      prNumber: pull.number,
      prUrl: pull.url,
      sha: pull.headSha,
    },
  });
  return { ...pullView(pull), created: true };
};

const agentPull = async (deps: PlanningDeps, repo: RepoRef, pullNumber: number): Promise<PullInfo> => {
  const pull = await deps.host.getPull(repo.fullName, pullNumber);
  if (pull === undefined)
    throw new ActionError(404, `pull request #${pullNumber} not found in ${repo.fullName}`);
  return pull;
};

/** Comments on a pull request from an agent branch; the same text twice is posted once. */
export const commentOnPullRequest = async (
  deps: PlanningDeps,
  args: { repo: string; pullNumber: number; body: string },
  ctx: Pick<ActionContext, 'taskId'>,
) => {
  const taskId = requireTask(ctx);
  const repo = checkRepo(deps.guardrails, args.repo);
  const body = args.body.trim();
  if (body === '') throw new ActionError(400, 'body must not be empty');
  if (body.length > MAX_COMMENT_CHARS)
    throw new ActionError(413, `body is longer than ${MAX_COMMENT_CHARS} characters`);
  const pull = await agentPull(deps, repo, args.pullNumber);
  if (!pull.headRef.startsWith(deps.guardrails.branchPrefix)) {
    throw new ActionError(
      403,
      `#${pull.number} is not an agent pull request (head ${pull.headRef}); the agent only comments on its own`,
    );
  }
  const duplicate = (await deps.host.listComments(repo.fullName, pull.number)).find(
    (c) => c.body.trim() === body,
  );
  if (duplicate !== undefined) {
    return {
      repo: repo.fullName,
      pullNumber: pull.number,
      commentId: duplicate.id,
      url: duplicate.url,
      created: false,
      note: 'the same comment already exists',
    };
  }
  const comment = await deps.host.commentOnIssue(repo.fullName, pull.number, body);
  await deps.audit.append(taskId, {
    type: 'github.write',
    message: `commented on ${repo.fullName}#${pull.number}`,
    data: {
      operation: 'commentOnPullRequest',
      repo: repo.fullName,
      prNumber: pull.number,
      commentId: comment.id,
    },
  });
  return {
    repo: repo.fullName,
    pullNumber: pull.number,
    commentId: comment.id,
    url: comment.url,
    created: true,
  };
};

/** State, head SHA and CI state of a pull request. */
export const getPullRequestStatus = async (
  deps: PlanningDeps,
  args: { repo: string; pullNumber: number },
) => {
  const repo = checkRepo(deps.guardrails, args.repo);
  const pull = await agentPull(deps, repo, args.pullNumber);
  const { runs, decision } = await ciStateOf(deps.host, repo.fullName, pull.headSha);
  return {
    repo: repo.fullName,
    ...pullView(pull),
    mergeable: pull.mergeable,
    mergeableState: pull.mergeableState,
    ci: {
      state: decision.state,
      runs: runs.map((run) => ({
        id: run.id,
        name: run.name,
        status: run.status,
        conclusion: run.conclusion,
      })),
    },
  };
};
