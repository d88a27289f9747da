import { type FlatFile, GitStore } from './git-store';

/** A repository of the fake. `refs` maps `heads/<branch>` to a commit sha. */
export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  language: string | null;
  description: string | null;
  private: boolean;
  archived: boolean;
  topics: string[];
  pushedAt: string;
  refs: Map<string, string>;
}

export interface FakePull {
  id: number;
  number: number;
  repo: string;
  title: string;
  body: string | null;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  user: string;
  createdAt: string;
  closedAt?: string;
  mergedAt?: string;
  mergedBy?: string;
  mergeCommitSha?: string;
}

/** A pull request review (POST /repos/{o}/{r}/pulls/{n}/reviews). */
export interface FakeReview {
  id: number;
  repo: string;
  pullNumber: number;
  user: string;
  body: string | null;
  /** As the REST API reports it; PENDING until submitted (created without an `event`). */
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING';
  commitId: string | null;
  submittedAt: string;
}

/** An inline comment of a review. */
export interface FakeReviewComment {
  id: number;
  reviewId: number;
  repo: string;
  pullNumber: number;
  path: string;
  line: number | null;
  body: string;
  user: string;
  createdAt: string;
}

export interface FakeComment {
  id: number;
  repo: string;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
}

export interface FakeAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface FakeStep {
  name: string;
  number: number;
  status: string;
  conclusion: string | null;
}

export interface FakeJob {
  id: number;
  runId: number;
  repo: string;
  name: string;
  status: string;
  conclusion: string | null;
  steps: FakeStep[];
  log: string;
  annotations: FakeAnnotation[];
  runAttempt: number;
}

export interface FakeRun {
  id: number;
  repo: string;
  name: string;
  workflowId: number;
  headSha: string;
  headBranch: string;
  status: string;
  conclusion: string | null;
  runAttempt: number;
  event: string;
  createdAt: string;
}

/** Input of {@link GitHubFakeState.seedRepo}. */
export interface SeedRepoInput {
  /** `owner/name`. */
  fullName: string;
  defaultBranch?: string;
  language?: string | null;
  description?: string | null;
  private?: boolean;
  archived?: boolean;
  topics?: string[];
  pushedAt?: string;
  /** Files of the initial commit on the default branch (path → UTF-8 text or bytes). */
  files?: Record<string, string | Buffer>;
}

/** Input of {@link GitHubFakeState.addWorkflowRun}. */
export interface AddRunInput {
  repo: string;
  headSha: string;
  name?: string;
  headBranch?: string;
  status?: string;
  conclusion?: string | null;
  runAttempt?: number;
  workflowId?: number;
  event?: string;
  jobs?: {
    name: string;
    status?: string;
    conclusion?: string | null;
    steps?: { name: string; conclusion: string | null }[];
    log?: string;
    annotations?: FakeAnnotation[];
  }[];
}

/** Everything the GitHub fake knows; mutate it directly or through the helpers. */
export class GitHubFakeState {
  readonly git = new GitStore();
  readonly repos = new Map<string, FakeRepo>();
  readonly pulls: FakePull[] = [];
  readonly comments: FakeComment[] = [];
  readonly reviews: FakeReview[] = [];
  readonly reviewComments: FakeReviewComment[] = [];
  readonly runs: FakeRun[] = [];
  readonly jobs: FakeJob[] = [];
  /** `owner/repo#login` → permission (`admin`, `write`, `read`, …). */
  readonly permissions = new Map<string, string>();
  /** Personal / installation tokens accepted in `Authorization`. */
  readonly tokens = new Set<string>();
  /** GitHub Apps whose JWTs are accepted: app id → PEM public key and installation ids. */
  readonly apps = new Map<string, { publicKey: string; installations: Set<string> }>();
  /** Installation tokens handed out by POST /app/installations/{id}/access_tokens. */
  readonly installationTokens = new Map<string, { installationId: string; expiresAt: string }>();
  /**
   * Personal tokens of people (token → login): requests with them act as that user
   * (comments, reviews, closing a PR). Other accepted tokens act as the bot `agent-bot[bot]`.
   */
  readonly users = new Map<string, string>();
  /**
   * Lowest pull request number handed out per repository (`owner/name` lowercased → number):
   * a sandbox that restarts next to a persisted database keeps its numbers unique.
   */
  readonly pullNumberFloor = new Map<string, number>();
  /** Files above this size come back from the contents API without content (GitHub: 1 MB). */
  contentsMaxBytes = 1_000_000;
  private nextId = 1000;

  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /** The next pull request number of a repository. */
  nextPullNumber(fullName: string): number {
    const repo = fullName.toLowerCase();
    const highest = Math.max(0, ...this.pulls.filter((p) => p.repo === repo).map((p) => p.number));
    return Math.max(highest, this.pullNumberFloor.get(repo) ?? 0) + 1;
  }

  repo(fullName: string): FakeRepo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  /** Creates a repository with one commit holding `files` on its default branch. */
  seedRepo(input: SeedRepoInput): FakeRepo {
    const [owner, name] = input.fullName.split('/');
    if (owner === undefined || name === undefined) throw new Error('fullName must be owner/name');
    const defaultBranch = input.defaultBranch ?? 'main';
    const flat = new Map<string, FlatFile>();
    for (const [path, content] of Object.entries(input.files ?? { 'README.md': `# ${name}\n` })) {
      flat.set(path, { sha: this.git.putBlob(content), mode: '100644' });
    }
    const tree = this.git.buildTree(flat);
    const commit = this.git.putCommit({ tree, parents: [], message: 'Initial commit', authorName: 'seed' });
    const repo: FakeRepo = {
      id: this.id(),
      owner,
      name,
      defaultBranch,
      language: input.language ?? null,
      description: input.description ?? null,
      private: input.private ?? true,
      archived: input.archived ?? false,
      topics: input.topics ?? [],
      pushedAt: input.pushedAt ?? '2024-01-01T00:00:00Z',
      refs: new Map([[`heads/${defaultBranch}`, commit]]),
    };
    this.repos.set(input.fullName.toLowerCase(), repo);
    return repo;
  }

  /** Head commit sha of a branch, or undefined. */
  headOf(fullName: string, branch: string): string | undefined {
    return this.repo(fullName)?.refs.get(`heads/${branch}`);
  }

  /** Files (path → UTF-8 text) at a branch or commit sha. */
  filesAt(fullName: string, ref: string): Map<string, string> {
    const sha = this.headOf(fullName, ref) ?? ref;
    const commit = this.git.get(sha);
    const out = new Map<string, string>();
    if (commit?.type !== 'commit') return out;
    for (const [path, file] of this.git.flatten(commit.tree)) {
      const blob = this.git.get(file.sha);
      if (blob?.type === 'blob') out.set(path, blob.content.toString('utf8'));
    }
    return out;
  }

  /** Pushes a commit with `files` (path → text; null deletes) on top of a branch, as a developer would. */
  pushCommit(
    fullName: string,
    branch: string,
    files: Record<string, string | null>,
    message = 'push',
  ): string {
    const repo = this.repo(fullName);
    const head = this.headOf(fullName, branch);
    if (repo === undefined || head === undefined) throw new Error(`no branch ${branch} in ${fullName}`);
    const commit = this.git.get(head);
    const flat = commit?.type === 'commit' ? this.git.flatten(commit.tree) : new Map<string, FlatFile>();
    for (const [path, content] of Object.entries(files)) {
      if (content === null) flat.delete(path);
      else flat.set(path, { sha: this.git.putBlob(content), mode: '100644' });
    }
    const sha = this.git.putCommit({
      tree: this.git.buildTree(flat),
      parents: [head],
      message,
      authorName: 'developer',
    });
    repo.refs.set(`heads/${branch}`, sha);
    return sha;
  }

  /** Commit shas from a branch head back to the root (first parents). */
  history(fullName: string, branch: string): string[] {
    const out: string[] = [];
    let sha = this.headOf(fullName, branch);
    while (sha !== undefined) {
      out.push(sha);
      const commit = this.git.get(sha);
      sha = commit?.type === 'commit' ? commit.parents[0] : undefined;
    }
    return out;
  }

  /** Adds a workflow run (and its jobs, logs, annotations) for a commit. */
  addWorkflowRun(input: AddRunInput): { run: FakeRun; jobs: FakeJob[] } {
    const status = input.status ?? 'completed';
    const run: FakeRun = {
      id: this.id(),
      repo: input.repo.toLowerCase(),
      name: input.name ?? 'CI',
      workflowId: input.workflowId ?? 1,
      headSha: input.headSha,
      headBranch: input.headBranch ?? 'main',
      status,
      conclusion: status === 'completed' ? (input.conclusion ?? 'success') : null,
      runAttempt: input.runAttempt ?? 1,
      event: input.event ?? 'pull_request',
      createdAt: new Date(Date.parse('2024-01-02T00:00:00Z') + this.runs.length * 60_000).toISOString(),
    };
    this.runs.push(run);
    const jobs = (input.jobs ?? []).map((job) => {
      const jobStatus = job.status ?? status;
      const fake: FakeJob = {
        id: this.id(),
        runId: run.id,
        repo: run.repo,
        name: job.name,
        status: jobStatus,
        conclusion: jobStatus === 'completed' ? (job.conclusion ?? 'success') : null,
        steps: (job.steps ?? []).map((step, i) => ({
          name: step.name,
          number: i + 1,
          status: 'completed',
          conclusion: step.conclusion,
        })),
        log: job.log ?? '',
        annotations: job.annotations ?? [],
        runAttempt: run.runAttempt,
      };
      this.jobs.push(fake);
      return fake;
    });
    return { run, jobs };
  }
}
