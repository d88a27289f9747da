import { TaskStatus } from '../constants';
import { type Approval, ApprovalDecision, type ApprovalStore } from '../db/approval-store';
import type { TaskRepository } from '../db/task-repository';
import type { TimelineRepository } from '../db/timeline-repository';
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
  const approval = await deps.approvals.get(input.taskId);
  if (approval?.decision !== undefined && approval.runId === task?.runId)
    return { status: 'already-decided', approval };
  if (
    task === undefined ||
    approval === undefined ||
    task.status !== TaskStatus.AwaitingApproval ||
    approval.runId !== task.runId
  ) {
    return { status: 'not-awaiting', taskStatus: task?.status };
  }
  const result = await deps.approvals.decide(input.taskId, input.decision, input.by, input.reason);
  if (!result.won) {
    return result.approval === undefined
      ? { status: 'not-awaiting', taskStatus: task.status }
      : { status: 'already-decided', approval: result.approval };
  }
  if (input.decision === ApprovalDecision.Approved) {
    await deps.callback.succeed(approval.taskToken, { approved: true, by: input.by, via: input.via });
  } else {
    await deps.callback.fail(approval.taskToken, REJECTED_ERROR, input.reason ?? `rejected by ${input.by}`);
  }
  await deps.timeline.append(input.taskId, {
    type: input.decision === ApprovalDecision.Approved ? 'approval.approved' : 'approval.rejected',
    message:
      input.decision === ApprovalDecision.Approved
        ? `Plan approved by ${input.by} via ${input.via}`
        : `Plan rejected by ${input.by} via ${input.via}${input.reason === undefined ? '' : `: ${input.reason}`}`,
    actor: input.by,
    data: { via: input.via, ...(input.reason === undefined ? {} : { reason: input.reason }) },
  });
  return { status: 'decided', approval: result.approval };
};
