import type { NewTask } from '@enterprise-agents/core/db';
import type { RunKind, Task } from '@enterprise-agents/core/domain';
import { rerunTask, startTask, type TaskFlowDeps } from '@enterprise-agents/core/workflow';
import { type Outcome, OutcomeStatus } from './outcome';

/** Starts a task for an external key, or reports the one already active for it. */
export const startOrReport = async (deps: TaskFlowDeps, input: NewTask, actor: string): Promise<Outcome> => {
  const outcome = await startTask(deps, input, actor);
  if (outcome.status === 'started') {
    return {
      status: OutcomeStatus.Accepted,
      taskId: outcome.task.taskId,
      runId: outcome.task.runId,
    };
  }
  // core's startTask re-publishes a task still QUEUED (a retry after a failed publish).
  return {
    status: OutcomeStatus.InProgress,
    reason: `a task for ${input.source} ${input.externalKey} is already in progress (${outcome.task.status})`,
    taskId: outcome.task.taskId,
  };
};

export type RerunResult = { started: true; task: Task } | { started: false; task: Task };

/** A fix or revision run on a task's PR; busy while a run is active. */
export const requestRun = async (
  deps: TaskFlowDeps,
  task: Task,
  kind: typeof RunKind.Fix | typeof RunKind.Revise,
  feedback: NonNullable<Task['context']['feedback']>,
): Promise<RerunResult> => {
  const outcome = await rerunTask(deps, task, kind, feedback);
  if (outcome.status === 'started') return { started: true, task: outcome.task };
  return { started: false, task: outcome.task };
};
