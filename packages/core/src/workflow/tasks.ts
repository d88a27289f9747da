import type { NewTask, TaskRepository } from '../db/task-repository';
import type { TimelineRepository } from '../db/timeline-repository';
import { isTerminalStatus, RunKind, TaskStatus } from '../domain/constants';
import type { Task } from '../domain/task';
import { ConflictError } from '../errors/errors';
import type { EventPublisherPort, ExecutionControlPort } from '../ports/workflow';

export interface TaskFlowDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
  publisher: EventPublisherPort;
}

export type StartOutcome = { status: 'started'; task: Task } | { status: 'in-progress'; task: Task };

/**
 * A task still QUEUED may be one whose TaskRequested event was never published
 * (the publish failed after the write, and this is the retry). Publishing again
 * is safe: ClaimTask lets exactly one execution own a run, the others end quietly.
 */
const republishIfQueued = async (deps: TaskFlowDeps, task: Task): Promise<void> => {
  if (task.status !== TaskStatus.Queued) return;
  await deps.publisher.taskRequested({
    taskId: task.taskId,
    runId: task.runId,
    source: task.source,
    kind: task.runKind,
  });
};

/** Creates a task (unless one is active for the key), logs it and publishes TaskRequested. */
export const startTask = async (deps: TaskFlowDeps, input: NewTask, actor: string): Promise<StartOutcome> => {
  const result = await deps.tasks.createIfNoActive(input);
  if (!result.created) {
    // createIfNoActive just read the holder consistently: no second read needed.
    await republishIfQueued(deps, result.existing);
    return { status: 'in-progress', task: result.existing };
  }
  const { task } = result;
  await deps.timeline.append(task.taskId, {
    type: 'task.created',
    message: `Task created from ${task.source} ${task.externalKey}: ${task.title}`,
    actor,
  });
  await deps.publisher.taskRequested({
    taskId: task.taskId,
    runId: task.runId,
    source: task.source,
    kind: RunKind.New,
  });
  return { status: 'started', task };
};

export type RerunOutcome = { status: 'started'; task: Task } | { status: 'busy'; task: Task };

/** A new run on an existing task (`/agent fix`, `/agent revise`, changes requested). */
export const rerunTask = async (
  deps: TaskFlowDeps,
  task: Task,
  kind: typeof RunKind.Fix | typeof RunKind.Revise,
  feedback: NonNullable<Task['context']['feedback']>,
): Promise<RerunOutcome> => {
  let updated: Task;
  try {
    updated = await deps.tasks.requestRun(task.taskId, kind, feedback);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = (await deps.tasks.get(task.taskId)) ?? task;
    await republishIfQueued(deps, current);
    return { status: 'busy', task: current };
  }
  await deps.timeline.append(task.taskId, {
    type: `run.${kind}`,
    message: `${kind === RunKind.Fix ? 'Fix' : 'Revision'} run ${updated.runId} requested by ${feedback.author}`,
    actor: feedback.author,
    data: { runId: updated.runId },
  });
  await deps.publisher.taskRequested({
    taskId: task.taskId,
    runId: updated.runId,
    source: task.source,
    kind,
  });
  return { status: 'started', task: updated };
};

export type StopOutcome = { status: 'stopped'; task: Task } | { status: 'not-active'; task: Task };

/** Ends a task by hand or because its PR closed; stops its execution if one runs. */
export const stopTask = async (
  deps: { tasks: TaskRepository; timeline: TimelineRepository; executions: ExecutionControlPort },
  task: Task,
  input: { by: string; reason: string; status?: typeof TaskStatus.Cancelled | typeof TaskStatus.Completed },
): Promise<StopOutcome> => {
  if (isTerminalStatus(task.status)) return { status: 'not-active', task };
  let updated: Task;
  try {
    updated = await deps.tasks.transition(task.taskId, input.status ?? TaskStatus.Cancelled, {
      patch: { statusReason: input.reason },
    });
  } catch (error) {
    if (error instanceof ConflictError) return { status: 'not-active', task };
    throw error;
  }
  if (task.executionArn !== undefined) await deps.executions.stop(task.executionArn, input.reason);
  await deps.timeline.append(task.taskId, { type: 'task.stopped', message: input.reason, actor: input.by });
  return { status: 'stopped', task: updated };
};
