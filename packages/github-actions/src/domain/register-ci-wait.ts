import { BadRequestError, type CiWaitDeps, resolveCiWaits } from '@enterprise-agents/core';

/** The Step Functions payload of the WaitForCI task (`lambda:invoke.waitForTaskToken`). */
export interface RegisterCiWaitEvent {
  action: 'registerCiWait';
  taskToken: string;
  taskId: string;
  runId: number;
  repo: string;
  headSha: string;
}

export interface RegisterCiWaitResult {
  registered: true;
  /** True when CI was already decided and the token was completed at once. */
  resolved: boolean;
}

const REPO_RE = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const SHA_RE = /^[0-9a-f]{40}$/;

/** Validates the payload; a malformed one is a bug in the state machine, so it fails loudly. */
export const parseRegisterCiWait = (event: Record<string, unknown>): RegisterCiWaitEvent => {
  const { taskToken, taskId, runId, repo, headSha } = event;
  const problems: string[] = [];
  if (typeof taskToken !== 'string' || taskToken === '') problems.push('taskToken');
  if (typeof taskId !== 'string' || taskId === '') problems.push('taskId');
  if (typeof runId !== 'number' || !Number.isInteger(runId)) problems.push('runId (integer)');
  if (typeof repo !== 'string' || !REPO_RE.test(repo)) problems.push('repo (owner/name)');
  if (typeof headSha !== 'string' || !SHA_RE.test(headSha.toLowerCase())) problems.push('headSha (40 hex)');
  if (problems.length > 0)
    throw new BadRequestError(`registerCiWait: missing or invalid ${problems.join(', ')}`);
  return {
    action: 'registerCiWait',
    taskToken: taskToken as string,
    taskId: taskId as string,
    runId: runId as number,
    repo: (repo as string).toLowerCase(),
    headSha: (headSha as string).toLowerCase(),
  };
};

/**
 * Stores the task token for (repo, head SHA), then resolves at once if CI on
 * that commit is already decided: the webhook for a run that finished before
 * the wait existed found nobody waiting, so without this the wake-up is lost.
 * Errors propagate so the state machine's Retry re-registers (same item key).
 */
export const registerCiWait = async (
  deps: CiWaitDeps,
  input: RegisterCiWaitEvent,
): Promise<RegisterCiWaitResult> => {
  await deps.ciWaits.register({
    repo: input.repo,
    sha: input.headSha,
    taskId: input.taskId,
    runId: input.runId,
    taskToken: input.taskToken,
  });
  const resolution = await resolveCiWaits(deps, input.repo, input.headSha);
  return {
    registered: true,
    resolved: resolution.status === 'resolved' && resolution.resumed.includes(input.taskId),
  };
};
