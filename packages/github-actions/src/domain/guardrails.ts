import { ActionError } from '@enterprise-agents/core/bedrock';

/** The write and scope limits enforced in code, whatever the model asks. */
export interface Guardrails {
  /** The only organisation the agents may touch. */
  org: string;
  /** `owner/repo` entries; empty means every repository of the org. */
  repoAllowlist: readonly string[];
  /** Writable branches start with this (default `agent/`). */
  branchPrefix: string;
  /** Globs of paths never written (default `.github/workflows/**`), matched case-insensitively. */
  protectedPaths: readonly string[];
  maxFileBytes: number;
  maxFilesPerCommit: number;
}

/** A repository reference the guardrails accepted. */
export interface RepoRef {
  owner: string;
  name: string;
  /** `owner/name` as given. */
  fullName: string;
}

const REPO_RE = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** Parses `owner/name` and refuses repositories outside the org or the allowlist. */
export const checkRepo = (guardrails: Guardrails, repo: string): RepoRef => {
  const m = REPO_RE.exec(repo.trim());
  if (m === null || m[2] === '.' || m[2] === '..') {
    throw new ActionError(400, `repo must be "owner/name", got "${repo.slice(0, 120)}"`);
  }
  const [, owner, name] = m as unknown as [string, string, string];
  if (owner.toLowerCase() !== guardrails.org.toLowerCase()) {
    throw new ActionError(403, `only repositories of the ${guardrails.org} organisation are allowed`);
  }
  const fullName = `${owner}/${name}`;
  if (
    guardrails.repoAllowlist.length > 0 &&
    !guardrails.repoAllowlist.some((allowed) => allowed.toLowerCase() === fullName.toLowerCase())
  ) {
    throw new ActionError(
      403,
      `repository ${fullName} is not in the allowlist; allowed: ${guardrails.repoAllowlist.join(', ')}`,
    );
  }
  return { owner, name, fullName };
};

/** Whether a repository passes {@link checkRepo} (for filtering listings). */
export const isRepoAllowed = (guardrails: Guardrails, fullName: string): boolean => {
  try {
    checkRepo(guardrails, fullName);
    return true;
  } catch {
    return false;
  }
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const REF_FORBIDDEN = /[\x00-\x20\x7f~^:?*[\\]/;

/**
 * Refuses branch names outside the agent prefix or that git would reject
 * (`git check-ref-format` rules), so a crafted name cannot address another ref.
 */
export const checkAgentBranch = (guardrails: Guardrails, branch: string): string => {
  const prefix = guardrails.branchPrefix;
  if (!branch.startsWith(prefix) || branch.length === prefix.length) {
    throw new ActionError(
      403,
      `writes are only allowed on branches starting with "${prefix}"; use a name like ${prefix}PROJ-123-short-slug`,
    );
  }
  if (
    branch.length > 200 ||
    REF_FORBIDDEN.test(branch) ||
    branch.includes('..') ||
    branch.includes('@{') ||
    branch.includes('//') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))
  ) {
    throw new ActionError(
      400,
      `"${branch.slice(0, 120)}" is not a valid branch name; use letters, digits, "-", "_" and "/" only`,
    );
  }
  return branch;
};

/** A glob (`*`, `**`, `?`) as a case-insensitive regex matching the path itself or anything below it. */
export const globToRegExp = (glob: string): RegExp => {
  // `dir/**` also protects `dir` itself: the trailing part is what the suffix below adds anyway.
  const normalized = glob
    .trim()
    .replace(/^\.?\/+/, '')
    .replace(/\/\*\*$/, '');
  let source = '';
  for (let i = 0; i < normalized.length; i += 1) {
    const c = normalized[i] as string;
    if (c === '*') {
      if (normalized[i + 1] === '*') {
        const slash = normalized[i + 2] === '/';
        source += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (c === '?') {
      source += '[^/]';
    } else {
      source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}(?:/.*)?$`, 'i');
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const PATH_FORBIDDEN = /[\x00-\x1f\x7f\\]/;

/**
 * Validates a repository path for writing: relative, no `.`/`..`/empty
 * segments, no `.git`, no control characters or backslashes, not protected.
 * Returns the path unchanged (it is already canonical once it passes).
 */
export const checkWritablePath = (guardrails: Guardrails, path: string): string => {
  const shown = JSON.stringify(path.slice(0, 200));
  if (path === '' || path.length > 1024) throw new ActionError(400, `path ${shown} is empty or too long`);
  if (PATH_FORBIDDEN.test(path)) {
    throw new ActionError(400, `path ${shown} contains a backslash or control character; use "/" separators`);
  }
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw new ActionError(400, `path ${shown} must be relative to the repository root, e.g. src/app.ts`);
  }
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new ActionError(
      400,
      `path ${shown} must not contain "", "." or ".." segments; write it canonically`,
    );
  }
  if (segments.some((s) => s.trim().toLowerCase() === '.git' || s.trim() !== s)) {
    throw new ActionError(400, `path ${shown} must not touch .git or have segments with surrounding spaces`);
  }
  const comparable = path.normalize('NFC');
  const hit = guardrails.protectedPaths.find((glob) => globToRegExp(glob).test(comparable));
  if (hit !== undefined) {
    throw new ActionError(403, `path ${shown} is protected (${hit}); the agent may not change it`);
  }
  return path;
};

/** A path for reading: same syntax rules as writes, but protected paths may be read. */
export const checkReadablePath = (path: string): string => {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  return checkWritablePath({ protectedPaths: [] } as unknown as Guardrails, trimmed);
};

/** Content size limit in UTF-8 bytes. */
export const checkFileSize = (guardrails: Guardrails, path: string, content: string): void => {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > guardrails.maxFileBytes) {
    throw new ActionError(
      413,
      `${path} is ${bytes} bytes; the limit is ${guardrails.maxFileBytes} bytes per file. Split the file or generate it in CI.`,
    );
  }
};
