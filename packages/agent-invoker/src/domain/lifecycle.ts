import type { TaskPatch, TaskRepository, TimelineRepository } from '@enterprise-agents/core/db';
import { type RunKind, type Task, TaskStatus } from '@enterprise-agents/core/domain';
import { ConflictError } from '@enterprise-agents/core/errors';
import { clip } from '@enterprise-agents/core/util';
import { TaskAlreadyClaimedError, TaskNotActiveError, TaskNotFoundError } from './errors';
import type { ClaimTaskPayload, Escalation, FinishTaskPayload, RecordStepPayload } from './payload';

/** The task's work location, as the state machine carries it (null when not known yet). */
export interface WorkView {
  repo: string | null;
  branch: string | null;
  prNumber: number | null;
  prUrl: string | null;
  headSha: string | null;
}

export const workOf = (task: Task): WorkView => ({
  repo: task.repo ?? null,
  branch: task.branch ?? null,
  prNumber: task.prNumber ?? null,
  prUrl: task.prUrl ?? null,
  headSha: task.headSha ?? null,
});

export interface LifecycleDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
}

const MAX_REASON = 1000;

const clipReason = (text: string): string => clip(text, MAX_REASON);

/**
 * A readable reason from a Step Functions error and cause. Lambda causes are JSON
 * `{errorType, errorMessage, trace}`: only the message is kept, never the stack.
 */
export const describeError = (error: string | undefined, cause: string | undefined): string => {
  let message = cause ?? '';
  try {
    const parsed: unknown = JSON.parse(message);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed)
      message = String((parsed as { errorMessage: unknown }).errorMessage);
  } catch {
    // Not JSON: a plain cause (SendTaskFailure, States.Timeout).
  }
  message = message
    .split('\n')
    .filter((line) => !/^\s+at\s/.test(line))
    .join(' ')
    .trim();
  const name = error ?? 'Error';
  return clipReason(message === '' ? name : `${name}: ${message}`);
};

const escalationReason = (escalation: Escalation | undefined): string => {
  if (escalation === undefined) return 'escalated';
  if (escalation.reason !== undefined && escalation.reason !== '') return clipReason(escalation.reason);
  const described = describeError(escalation.error, escalation.cause);
  return escalation.kind === 'budget_exceeded'
    ? clipReason(`Budget exceeded: ${described.replace(/^BudgetExceeded: /, '')}`)
    : described;
};

const TIMELINE_TYPE: Partial<Record<TaskStatus, string>> = {
  [TaskStatus.Completed]: 'task.completed',
  [TaskStatus.Rejected]: 'task.rejected',
  [TaskStatus.Escalated]: 'task.escalated',
  [TaskStatus.Failed]: 'task.failed',
};

/**
 * ClaimTask: the conditional QUEUED → DISCOVERING/EXECUTING update for this run.
 * A retry by the same execution (the first response was lost) succeeds again;
 * any other execution gets TaskAlreadyClaimed and ends quietly.
 */
export const claimTask = async (
  deps: LifecycleDeps,
  payload: ClaimTaskPayload,
): Promise<{ output: { kind: RunKind; source: string; status: TaskStatus }; work: WorkView }> => {
  const existing = await deps.tasks.get(payload.taskId);
  if (existing === undefined) throw new TaskNotFoundError(payload.taskId);
  let task: Task;
  try {
    task = await deps.tasks.claim(payload.taskId, payload.runId, payload.executionArn);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = await deps.tasks.require(payload.taskId);
    if (
      current.executionArn === payload.executionArn &&
      current.runId === payload.runId &&
      current.status !== TaskStatus.Queued
    )
      return {
        output: { kind: current.runKind, source: current.source, status: current.status },
        work: workOf(current),
      };
    throw new TaskAlreadyClaimedError(
      `run ${payload.runId} of task ${payload.taskId} is not claimable (status ${current.status}, run ${current.runId})`,
    );
  }
  await deps.timeline.append(task.taskId, {
    type: 'task.claimed',
    message: `Run ${task.runId} (${task.runKind}) started`,
    data: { runId: task.runId, kind: task.runKind, executionArn: payload.executionArn },
  });
  return { output: { kind: task.runKind, source: task.source, status: task.status }, work: workOf(task) };
};

/** Moves the task of this run to `status`; a task that was stopped or re-run is left alone. */
export const moveTo = async (
  deps: LifecycleDeps,
  ref: { taskId: string; runId: number },
  status: TaskStatus,
  options: { message?: string; patch?: TaskPatch } = {},
): Promise<Task> => {
  const before = await deps.tasks.get(ref.taskId);
  if (before === undefined) throw new TaskNotFoundError(ref.taskId);
  let task: Task;
  try {
    task = await deps.tasks.transition(ref.taskId, status, {
      runId: ref.runId,
      ...(options.patch === undefined ? {} : { patch: options.patch }),
    });
  } catch (error) {
    if (error instanceof ConflictError)
      throw new TaskNotActiveError(`task ${ref.taskId} run ${ref.runId} is no longer active`, error);
    throw error;
  }
  if (before.status !== status)
    await deps.timeline.append(ref.taskId, {
      type: `step.${status.toLowerCase()}`,
      message: options.message ?? `Status ${status}`,
      data: { runId: ref.runId, from: before.status },
    });
  return task;
};

/** recordStep: a status change with its timeline entry (AWAITING_APPROVAL, AWAITING_CI, …). */
export const recordStep = async (
  deps: LifecycleDeps,
  payload: RecordStepPayload,
): Promise<{ status: TaskStatus; work: WorkView }> => {
  const task = await moveTo(
    deps,
    payload,
    payload.status,
    payload.message === undefined ? {} : { message: payload.message },
  );
  return { status: task.status, work: workOf(task) };
};

/**
 * finishTask: the run's final status and reason. Idempotent for retries; a task
 * already ended by someone else (stopped, PR closed) is TaskNotActive.
 */
export const finishTask = async (
  deps: LifecycleDeps,
  payload: FinishTaskPayload,
): Promise<{ status: TaskStatus; reason: string }> => {
  const reason =
    payload.status === TaskStatus.Escalated
      ? escalationReason(payload.escalation)
      : clipReason(
          payload.reason === undefined || payload.reason === ''
            ? payload.status.toLowerCase()
            : payload.reason,
        );
  try {
    await deps.tasks.transition(payload.taskId, payload.status, {
      runId: payload.runId,
      patch: { statusReason: reason },
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = await deps.tasks.get(payload.taskId);
    if (current?.status === payload.status && current.runId === payload.runId)
      return { status: current.status, reason: current.statusReason ?? reason };
    throw new TaskNotActiveError(`task ${payload.taskId} run ${payload.runId} already ended`, error);
  }
  const escalation = payload.escalation;
  await deps.timeline.append(payload.taskId, {
    type: TIMELINE_TYPE[payload.status] ?? `task.${payload.status.toLowerCase()}`,
    message: reason,
    data: {
      runId: payload.runId,
      ...(escalation?.kind === undefined ? {} : { kind: escalation.kind }),
      ...(escalation?.error === undefined ? {} : { error: escalation.error }),
    },
  });
  return { status: payload.status, reason };
};
