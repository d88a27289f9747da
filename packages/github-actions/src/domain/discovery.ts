import { ActionError } from '@enterprise-agents/core/bedrock';
import { UpstreamError } from '@enterprise-agents/core/http';
import { checkReadablePath, checkRepo, type Guardrails, isRepoAllowed } from './guardrails';
import type { RepoHost } from './ports';
import { capText, looksBinary } from './text';

/** Dependencies of the read-only discovery tools. */
export interface DiscoveryDeps {
  host: RepoHost;
  guardrails: Guardrails;
}

/** Caps that keep each answer under Bedrock's response size limit. */
export const DiscoveryLimits = {
  fileChars: 10_000,
  treeEntries: 400,
  instructionChars: 5_000,
  fragmentChars: 200,
} as const;

/** The instruction files coding agents are expected to follow, in priority order. */
export const AGENT_INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md', '.github/copilot-instructions.md'] as const;

const SCOPE_QUALIFIER = /(^|\s)(-?)(org|user|repo):("[^"]*"|\S+)/gi;

/**
 * Searches code in the org only: `org:`/`user:` qualifiers naming anything
 * else and `repo:` outside the org or allowlist are refused, and `org:<org>`
 * is always added so the search cannot leave the organisation.
 */
export const searchCode = async (deps: DiscoveryDeps, args: { query: string; limit?: number }) => {
  const { guardrails } = deps;
  for (const m of args.query.matchAll(SCOPE_QUALIFIER)) {
    const kind = (m[3] as string).toLowerCase();
    const value = (m[4] as string).replace(/"/g, '');
    if (m[2] === '-') continue;
    if (kind === 'repo') checkRepo(guardrails, value);
    else if (value.toLowerCase() !== guardrails.org.toLowerCase()) {
      throw new ActionError(
        403,
        `search is limited to the ${guardrails.org} organisation; drop "${m[0].trim()}"`,
      );
    }
  }
  const query = `${args.query.replace(SCOPE_QUALIFIER, (all, lead, neg, kind: string) =>
    neg === '' && kind.toLowerCase() !== 'repo' ? lead : all,
  )} org:${guardrails.org}`
    .replace(/\s+/g, ' ')
    .trim();
  const limit = args.limit ?? 20;
  const result = await deps.host.searchCode(query, limit);
  const hits = result.hits
    .filter((hit) => isRepoAllowed(guardrails, hit.repo))
    .slice(0, limit)
    .map((hit) => ({
      ...hit,
      ...(hit.fragment === undefined
        ? {}
        : { fragment: capText(hit.fragment, DiscoveryLimits.fragmentChars).text }),
    }));
  return {
    query,
    totalCount: result.total,
    returned: hits.length,
    ...(result.incomplete
      ? { note: 'GitHub reported incomplete results (search timed out); refine the query' }
      : {}),
    ...(result.total > hits.length
      ? { more: `showing ${hits.length} of ${result.total}; refine the query to see others` }
      : {}),
    hits,
  };
};

/** Repositories of the org (allowlist applied), most recently pushed first. */
export const listRepositories = async (
  deps: DiscoveryDeps,
  args: { limit?: number; includeArchived?: boolean },
) => {
  const limit = args.limit ?? 50;
  const repos = await deps.host.listOrgRepos(deps.guardrails.org, limit, args.includeArchived ?? false);
  const allowed = repos.filter((repo) => isRepoAllowed(deps.guardrails, repo.fullName)).slice(0, limit);
  return { org: deps.guardrails.org, count: allowed.length, repositories: allowed };
};

const refOrDefault = async (deps: DiscoveryDeps, repo: string, ref: string | undefined): Promise<string> =>
  ref !== undefined && ref !== '' ? ref : (await deps.host.getRepo(repo)).defaultBranch;

const notFoundAs = async <T>(promise: Promise<T>, message: string): Promise<T> => {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof UpstreamError && (error.status === 404 || error.status === 422)) {
      throw new ActionError(404, message);
    }
    throw error;
  }
};

/** File paths of a repository at a ref, optionally under a directory, capped. */
export const getRepositoryTree = async (
  deps: DiscoveryDeps,
  args: { repo: string; ref?: string; path?: string },
) => {
  const repo = checkRepo(deps.guardrails, args.repo).fullName;
  const ref = await notFoundAs(refOrDefault(deps, repo, args.ref), `repository ${repo} not found`);
  const dir = checkReadablePath(args.path ?? '');
  const tree = await notFoundAs(deps.host.getTree(repo, ref), `ref "${ref}" not found in ${repo}`);
  const under = tree.entries.filter((e) => dir === '' || e.path === dir || e.path.startsWith(`${dir}/`));
  if (dir !== '' && under.length === 0) throw new ActionError(404, `no directory ${dir} in ${repo}@${ref}`);
  const files = under.filter((e) => e.type === 'blob');
  const shown = files.slice(0, DiscoveryLimits.treeEntries);
  return {
    repo,
    ref,
    path: dir === '' ? '/' : dir,
    fileCount: files.length,
    files: shown.map((e) => (e.size === undefined ? e.path : `${e.path} (${e.size} B)`)),
    ...(files.length > shown.length || tree.truncated
      ? {
          truncated: true,
          note: `showing ${shown.length} of ${files.length} files${tree.truncated ? ' (GitHub truncated the tree)' : ''}; pass path to list one directory`,
        }
      : {}),
  };
};

const decodeText = (bytes: Buffer): string => bytes.toString('utf8');

/** A text file, by line range, capped with a marker. */
export const getFile = async (
  deps: DiscoveryDeps,
  args: { repo: string; path: string; ref?: string; startLine?: number; endLine?: number },
) => {
  const repo = checkRepo(deps.guardrails, args.repo).fullName;
  const path = checkReadablePath(args.path);
  if (path === '') throw new ActionError(400, 'path is required; use getRepositoryTree to list files');
  const ref = await notFoundAs(refOrDefault(deps, repo, args.ref), `repository ${repo} not found`);
  const found = await deps.host.getContent(repo, path, ref);
  if (found === undefined) throw new ActionError(404, `${path} not found in ${repo}@${ref}`);
  if (found.kind === 'dir') {
    throw new ActionError(400, `${path} is a directory; use getRepositoryTree with path=${path}`);
  }
  if (found.kind === 'other') throw new ActionError(400, `${path} is a submodule or symlink, not a file`);
  const bytes = found.content ?? (await deps.host.getBlob(repo, found.sha));
  if (looksBinary(bytes)) {
    return {
      repo,
      path,
      ref,
      sha: found.sha,
      size: found.size,
      binary: true,
      note: 'binary file; not shown',
    };
  }
  const lines = decodeText(bytes).split('\n');
  const start = Math.max(1, args.startLine ?? 1);
  const end = Math.min(lines.length, args.endLine ?? lines.length);
  if (start > lines.length) {
    throw new ActionError(400, `${path} has ${lines.length} lines; startLine ${start} is past the end`);
  }
  if (end < start) throw new ActionError(400, 'endLine must be >= startLine');
  const selected = lines.slice(start - 1, end).join('\n');
  const capped = capText(selected, DiscoveryLimits.fileChars);
  const shownLines = capped.truncated
    ? selected.slice(0, DiscoveryLimits.fileChars).split('\n').length
    : end - start + 1;
  return {
    repo,
    path,
    ref,
    sha: found.sha,
    size: found.size,
    totalLines: lines.length,
    startLine: start,
    endLine: capped.truncated ? start + shownLines - 1 : end,
    content: capped.text,
    ...(capped.truncated
      ? { truncated: true, note: `cut; continue with startLine=${start + shownLines - 1}` }
      : {}),
  };
};

/** AGENTS.md, CLAUDE.md and .github/copilot-instructions.md, when present. */
export const getAgentInstructions = async (deps: DiscoveryDeps, args: { repo: string; ref?: string }) => {
  const repo = checkRepo(deps.guardrails, args.repo).fullName;
  const ref = await notFoundAs(refOrDefault(deps, repo, args.ref), `repository ${repo} not found`);
  const files = await Promise.all(
    AGENT_INSTRUCTION_FILES.map(async (path) => {
      const found = await deps.host.getContent(repo, path, ref);
      if (found?.kind !== 'file') return undefined;
      const bytes = found.content ?? (await deps.host.getBlob(repo, found.sha));
      const capped = capText(decodeText(bytes), DiscoveryLimits.instructionChars);
      return { path, content: capped.text, ...(capped.truncated ? { truncated: true } : {}) };
    }),
  );
  const present = files.filter((f) => f !== undefined);
  return {
    repo,
    ref,
    found: present.map((f) => f.path),
    files: present,
    ...(present.length === 0 ? { note: `no ${AGENT_INSTRUCTION_FILES.join(', ')} in ${repo}` } : {}),
  };
};
