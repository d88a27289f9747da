import { type Approval, ApprovalDecision, type ApprovalStore } from '../db/approval-store';
import type { TaskRepository } from '../db/task-repository';
import type { TimelineRepository } from '../db/timeline-repository';
import { TaskStatus } from '../domain/constants';
import type { TaskCallbackPort } from '../ports/workflow';

export interface ApprovalDeps {
  tasks: TaskRepository;
  approvals: ApprovalStore;
  timeline: TimelineRepository;
  callback: TaskCallbackPort;
}

export type DecisionOutcome =
  | { status: 'decided'; approval: Approval }
  | { status: 'already-decided'; approval: Approval }
  | { status: 'not-awaiting'; taskStatus: TaskStatus | undefined };

/** The error name the state machine catches to end a task as REJECTED. */
export const REJECTED_ERROR = 'Rejected';

/**
 * Applies a human decision (Slack button, Slack command or `/agent approve` on
 * the PR) to the waiting execution, exactly once: the first decision completes
 * the task token, later ones are told who decided.
 */
export const decideApproval = async (
  deps: ApprovalDeps,
  input: { taskId: string; decision: ApprovalDecision; by: string; via: 'slack' | 'github'; reason?: string },
): Promise<DecisionOutcome> => {
  const task = await deps.tasks.get(input.taskId);
  const current = await deps.approvals.get(input.taskId);
  if (current?.decision !== undefined && current.runId === task?.runId) {
    // Decided before; if that decision never reached the execution, deliver it now.
    await deliver(deps, current);
    return { status: 'already-decided', approval: current };
  }
  if (
    task === undefined ||
    current === undefined ||
    task.status !== TaskStatus.AwaitingApproval ||
    current.runId !== task.runId
  ) {
    return { status: 'not-awaiting', taskStatus: task?.status };
  }
  const result = await deps.approvals.decide(input.taskId, input.decision, input.by, input.reason, input.via);
  if (!result.won) {
    if (result.approval === undefined) return { status: 'not-awaiting', taskStatus: task.status };
    await deliver(deps, result.approval);
    return { status: 'already-decided', approval: result.approval };
  }
  await deliver(deps, result.approval);
  return { status: 'decided', approval: result.approval };
};

/**
 * Completes the task token with the recorded decision (not the caller's), then
 * marks it delivered and logs it once. A failed send leaves it undelivered, so
 * the next click, command or redelivery sends it again; a second send to a token
 * that already completed is ignored by Step Functions.
 */
const deliver = async (deps: ApprovalDeps, approval: Approval): Promise<void> => {
  if (approval.delivered === true || approval.decision === undefined) return;
  const by = approval.decidedBy ?? 'unknown';
  const reason = approval.reason ?? undefined;
  if (approval.decision === ApprovalDecision.Approved) {
    await deps.callback.succeed(approval.taskToken, { approved: true, by, via: approval.via ?? 'slack' });
  } else {
    await deps.callback.fail(approval.taskToken, REJECTED_ERROR, reason ?? `rejected by ${by}`);
  }
  if (!(await deps.approvals.markDelivered(approval.taskId))) return;
  await deps.timeline.append(approval.taskId, {
    type: approval.decision === ApprovalDecision.Approved ? 'approval.approved' : 'approval.rejected',
    message:
      approval.decision === ApprovalDecision.Approved
        ? `Plan approved by ${by} via ${approval.via ?? 'slack'}`
        : `Plan rejected by ${by} via ${approval.via ?? 'slack'}${reason === undefined ? '' : `: ${reason}`}`,
    actor: by,
    data: { via: approval.via ?? 'slack', ...(reason === undefined ? {} : { reason }) },
  });
};
