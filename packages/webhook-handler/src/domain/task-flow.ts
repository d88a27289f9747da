import {
  type NewTask,
  type RunKind,
  rerunTask,
  startTask,
  type Task,
  type TaskFlowDeps,
  TaskStatus,
} from '@enterprise-agents/core';
import { type Outcome, OutcomeStatus } from './outcome';

/**
 * A task that is still QUEUED may be one whose TaskRequested event was never
 * published: the delivery that created it failed after the write, released its
 * claim, and this is the sender's retry. Publishing again is safe because
 * ClaimTask lets exactly one execution own a run; the others end quietly.
 */
const republishIfQueued = async (deps: TaskFlowDeps, taskId: string): Promise<boolean> => {
  const task = await deps.tasks.get(taskId);
  if (task?.status !== TaskStatus.Queued) return false;
  await deps.publisher.taskRequested({
    taskId: task.taskId,
    runId: task.runId,
    source: task.source,
    kind: task.runKind,
  });
  return true;
};

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
  await republishIfQueued(deps, outcome.task.taskId);
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
  await republishIfQueued(deps, task.taskId);
  return { started: false, task: (await deps.tasks.get(task.taskId)) ?? task };
};
