import { BadRequestError } from '@enterprise-agents/core/errors';
import { type CiWaitDeps, compilePayloadValidator, resolveCiWaits } from '@enterprise-agents/core/workflow';
import registerCiWaitSchema from '../../../../schemas/step-functions/registerCiWait.json' with {
  type: 'json',
};

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

const validateRegisterCiWait = compilePayloadValidator<RegisterCiWaitEvent>(registerCiWaitSchema, {
  error: (message) => new BadRequestError(message),
});

/**
 * Validates the payload against schemas/step-functions/registerCiWait.json; a
 * malformed one is a bug in the state machine, so it fails loudly. Repo and SHA
 * are lower-cased: they key the CI wait.
 */
export const parseRegisterCiWait = (event: unknown): RegisterCiWaitEvent => {
  const { taskToken, taskId, runId, repo, headSha } = validateRegisterCiWait(event);
  return {
    action: 'registerCiWait',
    taskToken,
    taskId,
    runId,
    repo: repo.toLowerCase(),
    headSha: headSha.toLowerCase(),
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
