import type { NewTimelineEvent } from '@enterprise-agents/core/db';

/** A repository as the tools report it. */
export interface RepoInfo {
  fullName: string;
  defaultBranch: string;
  language: string | null;
  description: string | null;
  archived: boolean;
  private: boolean;
  pushedAt: string | null;
  topics: string[];
}

export interface CodeHit {
  repo: string;
  path: string;
  url: string;
  fragment?: string;
}

export interface TreeListing {
  sha: string;
  /** GitHub's own truncation flag (very large trees). */
  truncated: boolean;
  entries: { path: string; type: 'blob' | 'tree' | 'commit'; size?: number }[];
}

export type ContentResult =
  | { kind: 'file'; sha: string; size: number; content: Buffer | undefined }
  | { kind: 'dir'; entries: string[] }
  | { kind: 'other' };

export interface PullInfo {
  number: number;
  url: string;
  state: string;
  draft: boolean;
  merged: boolean;
  title: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  mergeable: boolean | null;
  mergeableState: string | null;
}

export interface CommentInfo {
  id: number;
  url: string;
  body: string;
  author: string | null;
}

export interface RunInfo {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  workflowId: number;
  runAttempt: number;
  url: string;
  event: string;
}

export interface JobInfo {
  id: number;
  runId: number;
  name: string;
  status: string;
  conclusion: string | null;
  url: string | null;
  steps: { number: number; name: string; status: string; conclusion: string | null }[];
}

export interface AnnotationInfo {
  path: string;
  startLine: number;
  endLine: number;
  level: string;
  title: string | null;
  message: string;
}

/**
 * The GitHub operations the tools need, in domain terms. The adapter throws
 * core's UpstreamError (with the HTTP status) for anything GitHub refuses;
 * "not found" answers that are part of normal flow return undefined instead.
 */
export interface RepoHost {
  getRepo(repo: string): Promise<RepoInfo>;
  listOrgRepos(org: string, limit: number, includeArchived: boolean): Promise<RepoInfo[]>;
  searchCode(query: string, limit: number): Promise<{ total: number; incomplete: boolean; hits: CodeHit[] }>;
  getTree(repo: string, ref: string): Promise<TreeListing>;
  getContent(repo: string, path: string, ref: string): Promise<ContentResult | undefined>;
  getBlob(repo: string, sha: string): Promise<Buffer>;
  /** Commit SHA of a branch name or SHA; undefined when neither exists. */
  resolveCommit(repo: string, ref: string): Promise<string | undefined>;
  /** Head commit of a branch; undefined when the branch does not exist. */
  branchHead(repo: string, branch: string): Promise<string | undefined>;
  createBranch(repo: string, branch: string, sha: string): Promise<'created' | 'exists'>;
  commitTree(repo: string, commitSha: string): Promise<string>;
  createTree(
    repo: string,
    baseTree: string,
    files: readonly { path: string; content: string }[],
  ): Promise<string>;
  createCommit(repo: string, message: string, tree: string, parents: readonly string[]): Promise<string>;
  /** Fast-forward only; `conflict` when the branch moved meanwhile. */
  moveBranch(repo: string, branch: string, sha: string): Promise<'updated' | 'conflict'>;
  putFile(input: {
    repo: string;
    branch: string;
    path: string;
    content: string;
    message: string;
    sha?: string;
  }): Promise<{ commitSha: string }>;
  findOpenPull(repo: string, headBranch: string): Promise<PullInfo | undefined>;
  createDraftPull(input: {
    repo: string;
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullInfo>;
  getPull(repo: string, pullNumber: number): Promise<PullInfo | undefined>;
  listComments(repo: string, issueNumber: number): Promise<CommentInfo[]>;
  commentOnIssue(repo: string, issueNumber: number, body: string): Promise<CommentInfo>;
  /** Every workflow run of a commit, with its attempt and trigger. */
  workflowRunsForCommit(repo: string, headSha: string): Promise<RunInfo[]>;
  jobs(repo: string, runId: number): Promise<JobInfo[]>;
  job(repo: string, jobId: number): Promise<JobInfo | undefined>;
  jobLog(repo: string, jobId: number): Promise<string>;
  annotations(repo: string, checkRunId: number): Promise<AnnotationInfo[]>;
}

/** Where writes are recorded (the task timeline). */
export interface AuditLog {
  append(taskId: string, event: NewTimelineEvent): Promise<unknown>;
}
