import { ActionError } from '@enterprise-agents/core/bedrock';
import { CiState, decideCi, type WorkflowRunSummary } from '@enterprise-agents/core/github';
import { checkRepo, type Guardrails } from './guardrails';
import { extractFailure } from './log-excerpt';
import type { JobInfo, RepoHost, RunInfo } from './ports';
import { capText } from './text';

/** Dependencies of the CI tools. */
export interface CiToolDeps {
  host: RepoHost;
  guardrails: Guardrails;
}

const FAILED = new Set(['failure', 'timed_out', 'cancelled', 'startup_failure', 'action_required']);
const MAX_ANNOTATIONS = 50;

/**
 * The latest attempt of each run. A re-run reuses the run id with a new attempt;
 * different runs of one workflow on a commit (push and pull_request) all count,
 * so a red one is never hidden behind a green one.
 */
export const latestRuns = (runs: readonly RunInfo[]): RunInfo[] => {
  const byRun = new Map<number, RunInfo>();
  for (const run of runs) {
    const prev = byRun.get(run.id);
    if (prev === undefined || run.runAttempt > prev.runAttempt) byRun.set(run.id, run);
  }
  return [...byRun.values()];
};

const summary = (run: RunInfo): WorkflowRunSummary => ({
  id: run.id,
  name: run.name,
  status: run.status,
  conclusion: run.conclusion,
  htmlUrl: run.url,
});

const failedSteps = (job: JobInfo) =>
  job.steps
    .filter((step) => step.conclusion !== null && FAILED.has(step.conclusion))
    .map((step) => step.name);

/** CI state of a commit from its latest workflow runs. */
export const ciStateOf = async (host: RepoHost, repo: string, headSha: string) => {
  const runs = latestRuns(await host.workflowRunsForCommit(repo, headSha));
  return { runs, decision: decideCi(runs.map(summary)) };
};

const SHA_RE = /^[0-9a-f]{40}$/;

/** Workflow runs of a commit, the CI decision and the failed jobs with their failed steps. */
export const listWorkflowRuns = async (deps: CiToolDeps, args: { repo: string; headSha: string }) => {
  const repo = checkRepo(deps.guardrails, args.repo).fullName;
  const headSha = args.headSha.toLowerCase();
  if (!SHA_RE.test(headSha)) throw new ActionError(400, 'headSha must be a full 40-character commit SHA');
  const { runs, decision } = await ciStateOf(deps.host, repo, headSha);
  const failedRuns = runs.filter((run) => decision.failedRuns.some((f) => f.id === run.id));
  const failedJobs = (
    await Promise.all(
      failedRuns.map(async (run) =>
        (
          await deps.host.jobs(repo, run.id)
        )
          .filter((job) => job.conclusion !== null && FAILED.has(job.conclusion))
          .map((job) => ({
            runId: run.id,
            jobId: job.id,
            name: job.name,
            conclusion: job.conclusion,
            failedSteps: failedSteps(job),
          })),
      ),
    )
  ).flat();
  return {
    repo,
    headSha,
    state: decision.state,
    runs: runs.map((run) => ({
      id: run.id,
      name: run.name,
      status: run.status,
      conclusion: run.conclusion,
      event: run.event,
      url: run.url,
    })),
    failedJobs,
    note:
      runs.length === 0
        ? 'no workflow runs for this commit yet; CI may not have started'
        : decision.state === CiState.Failure
          ? 'read the failing part with getJobLog and getCheckRunAnnotations using the job ids'
          : undefined,
  };
};

/** Jobs of one workflow run with their steps. */
export const listJobs = async (deps: CiToolDeps, args: { repo: string; runId: number }) => {
  const repo = checkRepo(deps.guardrails, args.repo).fullName;
  const jobs = await deps.host.jobs(repo, args.runId);
  return {
    repo,
    runId: args.runId,
    jobs: jobs.map((job) => ({
      id: job.id,
      name: job.name,
      status: job.status,
      conclusion: job.conclusion,
      failedSteps: failedSteps(job),
      steps: job.steps.map((s) => `${s.number}. ${s.name}: ${s.conclusion ?? s.status}`),
    })),
  };
};

/** The failing part of a job log, capped. */
export const getJobLog = async (
  deps: CiToolDeps,
  args: { repo: string; jobId: number; maxChars?: number },
) => {
  const repo = checkRepo(deps.guardrails, args.repo).fullName;
  const job = await deps.host.job(repo, args.jobId);
  if (job === undefined)
    throw new ActionError(404, `job ${args.jobId} not found in ${repo}; use listWorkflowRuns for job ids`);
  if (job.status !== 'completed') {
    return {
      repo,
      jobId: job.id,
      name: job.name,
      status: job.status,
      note: 'job still running; its log is not final yet',
    };
  }
  const log = extractFailure(await deps.host.jobLog(repo, job.id), args.maxChars ?? 8000);
  return {
    repo,
    jobId: job.id,
    name: job.name,
    conclusion: job.conclusion,
    failedSteps: failedSteps(job),
    errors: log.errors,
    totalLines: log.totalLines,
    excerpt: log.excerpt,
    ...(log.truncated
      ? { truncated: true, note: 'only the part of the log around the failure is shown' }
      : {}),
  };
};

/** Annotations of a check run (a GitHub Actions job id is its check run id), capped. */
export const getCheckRunAnnotations = async (
  deps: CiToolDeps,
  args: { repo: string; checkRunId: number },
) => {
  const repo = checkRepo(deps.guardrails, args.repo).fullName;
  const all = await deps.host.annotations(repo, args.checkRunId);
  // Failures first: they are what the fix must address.
  const rank = (level: string) => (level === 'failure' ? 0 : level === 'warning' ? 1 : 2);
  const sorted = [...all].sort((a, b) => rank(a.level) - rank(b.level));
  const shown = sorted.slice(0, MAX_ANNOTATIONS).map((a) => ({
    path: a.path,
    line: a.startLine === a.endLine ? a.startLine : `${a.startLine}-${a.endLine}`,
    level: a.level,
    ...(a.title ? { title: a.title } : {}),
    message: capText(a.message, 500).text,
  }));
  return {
    repo,
    checkRunId: args.checkRunId,
    count: all.length,
    annotations: shown,
    ...(all.length > shown.length
      ? { truncated: true, note: `showing ${shown.length} of ${all.length}` }
      : {}),
  };
};
