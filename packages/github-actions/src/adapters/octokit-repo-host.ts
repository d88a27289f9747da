import {
  callGitHub as call,
  type GitHubClient,
  type GitHubClientSource,
  resolveGitHubClient,
  splitRepo as split,
} from '@enterprise-agents/core/github';
import { UpstreamError } from '@enterprise-agents/core/http';
import type {
  AnnotationInfo,
  CodeHit,
  CommentInfo,
  ContentResult,
  JobInfo,
  PullInfo,
  RepoHost,
  RepoInfo,
  RunInfo,
  TreeListing,
} from '../domain/ports';

/** The Octokit core's createGitHubClient builds (App or token auth, retries). */
export type { GitHubClient };

/** Undefined instead of an error for 404 (and 422 where GitHub uses it for "no such commit"). */
const orUndefined = async <T>(fn: () => Promise<T>, statuses = [404]): Promise<T | undefined> => {
  try {
    return await call(fn);
  } catch (error) {
    if (error instanceof UpstreamError && statuses.includes(error.status)) return undefined;
    throw error;
  }
};

interface RawRepo {
  full_name: string;
  default_branch?: string;
  language?: string | null;
  description?: string | null;
  archived?: boolean;
  private: boolean;
  pushed_at?: string | null;
  topics?: string[];
}

const toRepo = (r: RawRepo): RepoInfo => ({
  fullName: r.full_name,
  defaultBranch: r.default_branch ?? 'main',
  language: r.language ?? null,
  description: r.description ?? null,
  archived: r.archived ?? false,
  private: r.private,
  pushedAt: r.pushed_at ?? null,
  topics: r.topics ?? [],
});

interface RawPull {
  number: number;
  html_url: string;
  state: string;
  draft?: boolean;
  merged?: boolean;
  merged_at?: string | null;
  title: string;
  head: { ref: string; sha: string };
  base: { ref: string };
  mergeable?: boolean | null;
  mergeable_state?: string;
}

const toPull = (p: RawPull): PullInfo => ({
  number: p.number,
  url: p.html_url,
  state: p.state,
  draft: p.draft ?? false,
  merged: p.merged ?? (p.merged_at !== null && p.merged_at !== undefined),
  title: p.title,
  headRef: p.head.ref,
  headSha: p.head.sha,
  baseRef: p.base.ref,
  mergeable: p.mergeable ?? null,
  mergeableState: p.mergeable_state ?? null,
});

interface RawJob {
  id: number;
  run_id: number;
  name: string;
  status: string;
  conclusion: string | null;
  html_url: string | null;
  steps?: { number: number; name: string; status: string; conclusion: string | null }[];
}

const toJob = (j: RawJob): JobInfo => ({
  id: j.id,
  runId: j.run_id,
  name: j.name,
  status: j.status,
  conclusion: j.conclusion,
  url: j.html_url,
  steps: (j.steps ?? []).map((s) => ({
    number: s.number,
    name: s.name,
    status: s.status,
    conclusion: s.conclusion,
  })),
});

/**
 * {@link RepoHost} over the GitHub REST API (Octokit): the agents' repository tools. Every
 * GitHub refusal becomes core's UpstreamError (`callGitHub`). Takes a client or a loader of the
 * current one (core's `githubClientLoader`: rebuilt when the GitHub secret rotates).
 */
export class OctokitRepoHost implements RepoHost {
  constructor(private readonly client: GitHubClientSource) {}

  async getRepo(repo: string): Promise<RepoInfo> {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() => octokit.rest.repos.get(split(repo)));
    return toRepo(data);
  }

  async listOrgRepos(org: string, limit: number, includeArchived: boolean): Promise<RepoInfo[]> {
    const octokit = await resolveGitHubClient(this.client);
    const out: RepoInfo[] = [];
    const pages = octokit.paginate.iterator(octokit.rest.repos.listForOrg, {
      org,
      sort: 'pushed',
      direction: 'desc',
      per_page: Math.min(100, Math.max(limit, 30)),
    });
    await call(async () => {
      for await (const page of pages) {
        for (const repo of page.data) {
          if (!includeArchived && repo.archived) continue;
          out.push(toRepo(repo as RawRepo));
        }
        if (out.length >= limit) break;
      }
    });
    return out.slice(0, limit);
  }

  async searchCode(query: string, limit: number) {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() =>
      octokit.rest.search.code({
        q: query,
        per_page: Math.min(100, limit),
        headers: { accept: 'application/vnd.github.text-match+json' },
      }),
    );
    const hits: CodeHit[] = data.items.map((item) => {
      const fragment = (item as { text_matches?: { fragment?: string }[] }).text_matches?.[0]?.fragment;
      return {
        repo: item.repository.full_name,
        path: item.path,
        url: item.html_url,
        ...(fragment === undefined ? {} : { fragment }),
      };
    });
    return { total: data.total_count, incomplete: data.incomplete_results, hits };
  }

  async getTree(repo: string, ref: string): Promise<TreeListing> {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() =>
      octokit.rest.git.getTree({ ...split(repo), tree_sha: ref, recursive: 'true' }),
    );
    return {
      sha: data.sha,
      truncated: data.truncated,
      entries: data.tree.map((e) => ({
        path: e.path ?? '',
        type: (e.type ?? 'blob') as 'blob' | 'tree' | 'commit',
        ...(e.size === undefined ? {} : { size: e.size }),
      })),
    };
  }

  async getContent(repo: string, path: string, ref: string): Promise<ContentResult | undefined> {
    const octokit = await resolveGitHubClient(this.client);
    const res = await orUndefined(() => octokit.rest.repos.getContent({ ...split(repo), path, ref }));
    if (res === undefined) return undefined;
    const data = res.data;
    if (Array.isArray(data)) return { kind: 'dir', entries: data.map((e) => e.path) };
    if (data.type !== 'file') return { kind: 'other' };
    const file = data as { sha: string; size: number; content?: string; encoding?: string };
    // Files over 1 MB come back with encoding "none" and no content: the caller fetches the blob.
    const content =
      file.encoding === 'base64' && typeof file.content === 'string'
        ? Buffer.from(file.content, 'base64')
        : undefined;
    return { kind: 'file', sha: file.sha, size: file.size, content };
  }

  async getBlob(repo: string, sha: string): Promise<Buffer> {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() => octokit.rest.git.getBlob({ ...split(repo), file_sha: sha }));
    return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
  }

  async resolveCommit(repo: string, ref: string): Promise<string | undefined> {
    const octokit = await resolveGitHubClient(this.client);
    const res = await orUndefined(() => octokit.rest.repos.getCommit({ ...split(repo), ref }), [404, 422]);
    return res?.data.sha;
  }

  async branchHead(repo: string, branch: string): Promise<string | undefined> {
    const octokit = await resolveGitHubClient(this.client);
    const res = await orUndefined(() => octokit.rest.git.getRef({ ...split(repo), ref: `heads/${branch}` }));
    return res?.data.object.sha;
  }

  async createBranch(repo: string, branch: string, sha: string): Promise<'created' | 'exists'> {
    const octokit = await resolveGitHubClient(this.client);
    try {
      await call(() => octokit.rest.git.createRef({ ...split(repo), ref: `refs/heads/${branch}`, sha }));
      return 'created';
    } catch (error) {
      if (error instanceof UpstreamError && error.status === 422 && /already exists/i.test(error.message)) {
        return 'exists';
      }
      throw error;
    }
  }

  async commitTree(repo: string, commitSha: string): Promise<string> {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() => octokit.rest.git.getCommit({ ...split(repo), commit_sha: commitSha }));
    return data.tree.sha;
  }

  async createTree(repo: string, baseTree: string, files: readonly { path: string; content: string }[]) {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() =>
      octokit.rest.git.createTree({
        ...split(repo),
        base_tree: baseTree,
        tree: files.map((f) => ({
          path: f.path,
          mode: '100644' as const,
          type: 'blob' as const,
          content: f.content,
        })),
      }),
    );
    return data.sha;
  }

  async createCommit(repo: string, message: string, tree: string, parents: readonly string[]) {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() =>
      octokit.rest.git.createCommit({ ...split(repo), message, tree, parents: [...parents] }),
    );
    return data.sha;
  }

  async moveBranch(repo: string, branch: string, sha: string): Promise<'updated' | 'conflict'> {
    const octokit = await resolveGitHubClient(this.client);
    try {
      await call(() =>
        octokit.rest.git.updateRef({ ...split(repo), ref: `heads/${branch}`, sha, force: false }),
      );
      return 'updated';
    } catch (error) {
      if (error instanceof UpstreamError && error.status === 422 && /fast forward/i.test(error.message)) {
        return 'conflict';
      }
      throw error;
    }
  }

  async putFile(input: {
    repo: string;
    branch: string;
    path: string;
    content: string;
    message: string;
    sha?: string;
  }) {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() =>
      octokit.rest.repos.createOrUpdateFileContents({
        ...split(input.repo),
        path: input.path,
        branch: input.branch,
        message: input.message,
        content: Buffer.from(input.content, 'utf8').toString('base64'),
        ...(input.sha === undefined ? {} : { sha: input.sha }),
      }),
    );
    return { commitSha: data.commit.sha ?? '' };
  }

  async findOpenPull(repo: string, headBranch: string): Promise<PullInfo | undefined> {
    const octokit = await resolveGitHubClient(this.client);
    const { owner } = split(repo);
    const { data } = await call(() =>
      octokit.rest.pulls.list({
        ...split(repo),
        head: `${owner}:${headBranch}`,
        state: 'open',
        per_page: 10,
      }),
    );
    const pull = data.find((p) => p.head.ref === headBranch);
    return pull === undefined ? undefined : toPull(pull as RawPull);
  }

  async createDraftPull(input: { repo: string; head: string; base: string; title: string; body: string }) {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() =>
      octokit.rest.pulls.create({
        ...split(input.repo),
        head: input.head,
        base: input.base,
        title: input.title,
        body: input.body,
        draft: true,
      }),
    );
    return toPull(data as RawPull);
  }

  async getPull(repo: string, pullNumber: number): Promise<PullInfo | undefined> {
    const octokit = await resolveGitHubClient(this.client);
    const res = await orUndefined(() => octokit.rest.pulls.get({ ...split(repo), pull_number: pullNumber }));
    return res === undefined ? undefined : toPull(res.data as RawPull);
  }

  async listComments(repo: string, issueNumber: number): Promise<CommentInfo[]> {
    const octokit = await resolveGitHubClient(this.client);
    const comments = await call(() =>
      octokit.paginate(octokit.rest.issues.listComments, {
        ...split(repo),
        issue_number: issueNumber,
        per_page: 100,
      }),
    );
    return comments.map((c) => ({
      id: c.id,
      url: c.html_url,
      body: c.body ?? '',
      author: c.user?.login ?? null,
    }));
  }

  async commentOnIssue(repo: string, issueNumber: number, body: string): Promise<CommentInfo> {
    const octokit = await resolveGitHubClient(this.client);
    const { data } = await call(() =>
      octokit.rest.issues.createComment({ ...split(repo), issue_number: issueNumber, body }),
    );
    return { id: data.id, url: data.html_url, body: data.body ?? '', author: data.user?.login ?? null };
  }

  async workflowRunsForCommit(repo: string, headSha: string): Promise<RunInfo[]> {
    const octokit = await resolveGitHubClient(this.client);
    const runs = await call(() =>
      octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, {
        ...split(repo),
        head_sha: headSha,
        per_page: 100,
      }),
    );
    return runs.map((r) => ({
      id: r.id,
      name: r.name ?? String(r.workflow_id),
      status: r.status ?? 'queued',
      conclusion: r.conclusion ?? null,
      workflowId: r.workflow_id,
      runAttempt: r.run_attempt ?? 1,
      url: r.html_url,
      event: r.event,
    }));
  }

  async jobs(repo: string, runId: number): Promise<JobInfo[]> {
    const octokit = await resolveGitHubClient(this.client);
    const jobs = await call(() =>
      octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
        ...split(repo),
        run_id: runId,
        filter: 'latest',
        per_page: 100,
      }),
    );
    return jobs.map((j) => toJob(j as RawJob));
  }

  async job(repo: string, jobId: number): Promise<JobInfo | undefined> {
    const octokit = await resolveGitHubClient(this.client);
    const res = await orUndefined(() =>
      octokit.rest.actions.getJobForWorkflowRun({ ...split(repo), job_id: jobId }),
    );
    return res === undefined ? undefined : toJob(res.data as RawJob);
  }

  async jobLog(repo: string, jobId: number): Promise<string> {
    const octokit = await resolveGitHubClient(this.client);
    // GitHub redirects to a short-lived blob URL; fetch follows it and Octokit returns the text.
    const { data } = await call(() =>
      octokit.rest.actions.downloadJobLogsForWorkflowRun({ ...split(repo), job_id: jobId }),
    );
    if (typeof data === 'string') return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
    return String(data ?? '');
  }

  async annotations(repo: string, checkRunId: number): Promise<AnnotationInfo[]> {
    const octokit = await resolveGitHubClient(this.client);
    const all = await call(() =>
      octokit.paginate(octokit.rest.checks.listAnnotations, {
        ...split(repo),
        check_run_id: checkRunId,
        per_page: 100,
      }),
    );
    return all.map((a) => ({
      path: a.path,
      startLine: a.start_line,
      endLine: a.end_line,
      level: a.annotation_level ?? 'notice',
      title: a.title ?? null,
      message: a.message ?? '',
    }));
  }
}
