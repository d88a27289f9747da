import type {
  Approval,
  ApprovalDecision,
  ApprovalStore,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { type Task, TaskStatus } from '@enterprise-agents/core/domain';
import { ConflictError } from '@enterprise-agents/core/errors';
import type { Logger } from '@enterprise-agents/core/logging';
import { clip, context, escapeText, link, mention, section, taskLabel } from './format';
import type { Block, SlackMessage, SlackPort } from './ports';
import type { TaskThreads } from './task-threads';

/** Block Kit action ids of the approval buttons. */
export const ActionId = {
  Approve: 'approve_plan',
  Reject: 'reject_plan',
} as const;

/** callback_id of the reject-reason modal. */
export const REJECT_VIEW_CALLBACK = 'reject_plan_reason';
export const REJECT_REASON_BLOCK = 'reason';
export const REJECT_REASON_ACTION = 'reason_input';

/** What a button carries: the task and run, never the task token. */
export interface ButtonValue {
  taskId: string;
  runId: number;
}

export interface PlanSummary {
  summary: string;
  prUrl?: string;
  prNumber?: number;
  repo?: string;
  branch?: string;
  repositories?: string[];
  estimatedScope?: string;
}

export interface RequestApprovalInput {
  taskToken: string;
  taskId: string;
  runId: number;
  plan: PlanSummary;
}

export type RequestApprovalResult =
  | { posted: true; channel: string; ts: string; duplicate?: boolean }
  | { posted: false; reason: string };

const header = (task: Task): string =>
  `:raised_hand: Plan ready for approval: ${taskLabel(task)} ${escapeText(clip(task.title, 150))}`;

const planBlocks = (task: Task, plan: PlanSummary): Block[] => {
  const facts = [
    plan.prUrl === undefined
      ? undefined
      : `*Draft PR:* ${link(plan.prUrl, `${plan.repo ?? 'PR'}#${plan.prNumber ?? ''}`)}`,
    plan.branch === undefined ? undefined : `*Branch:* \`${escapeText(plan.branch)}\``,
    plan.repositories === undefined || plan.repositories.length === 0
      ? undefined
      : `*Repositories:* ${plan.repositories.slice(0, 10).map(escapeText).join(', ')}`,
    plan.estimatedScope === undefined
      ? undefined
      : `*Estimated scope:* ${escapeText(clip(plan.estimatedScope, 500))}`,
  ].filter((line): line is string => line !== undefined);
  return [
    section(header(task)),
    section(escapeText(clip(plan.summary, 2800))),
    ...(facts.length === 0 ? [] : [section(facts.join('\n'))]),
  ];
};

/** The approval request with its two buttons. */
export const approvalRequestMessage = (task: Task, runId: number, plan: PlanSummary): SlackMessage => {
  const value = JSON.stringify({ taskId: task.taskId, runId } satisfies ButtonValue);
  return {
    text: `Plan ready for approval: ${task.externalKey}`,
    blocks: [
      ...planBlocks(task, plan),
      {
        type: 'actions',
        block_id: 'approval',
        elements: [
          {
            type: 'button',
            action_id: ActionId.Approve,
            style: 'primary',
            text: { type: 'plain_text', text: 'Approve' },
            value,
          },
          {
            type: 'button',
            action_id: ActionId.Reject,
            style: 'danger',
            text: { type: 'plain_text', text: 'Reject' },
            value,
          },
        ],
      },
      context(
        `Run ${runId} · only configured approvers can decide · or \`/agent approve ${task.externalKey}\``,
      ),
    ],
  };
};

/** The approval message after the decision: the buttons are replaced by who decided. */
export const decidedMessage = (task: Task, approval: Approval): SlackMessage => {
  const approved = approval.decision === 'approved';
  const who = approval.decidedBy === undefined ? 'someone' : mention(approval.decidedBy);
  const pr = task.prUrl === undefined ? '' : ` · ${link(task.prUrl, 'draft PR')}`;
  const reason =
    approval.reason === undefined || approval.reason === null
      ? ''
      : `\n>${escapeText(clip(approval.reason, 1500))}`;
  const verdict = approved ? ':white_check_mark: Approved' : ':no_entry_sign: Rejected';
  return {
    text: `${task.externalKey}: plan ${approved ? 'approved' : 'rejected'} by ${approval.decidedBy ?? 'someone'}`,
    blocks: [
      section(`${taskLabel(task)} ${escapeText(clip(task.title, 150))}${pr}`),
      section(
        `${verdict} by ${who}${approval.decidedAt === undefined ? '' : ` at ${approval.decidedAt.slice(0, 16).replace('T', ' ')} UTC`}${reason}`,
      ),
    ],
  };
};

/** Text telling a late clicker who already decided. */
export const alreadyDecidedText = (approval: Approval): string =>
  `This plan was already ${approval.decision ?? 'decided'} by ${approval.decidedBy === undefined ? 'someone' : mention(approval.decidedBy)}${approval.decidedAt === undefined ? '' : ` at ${approval.decidedAt.slice(0, 16).replace('T', ' ')} UTC`}. Nothing changed.`;

export interface RequestApprovalDeps {
  tasks: TaskRepository;
  approvals: ApprovalStore;
  timeline: TimelineRepository;
  threads: TaskThreads;
  logger: Logger;
}

/**
 * The `RequestApproval` task: stores the task token, marks the task as waiting
 * and posts the plan with Approve / Reject into the task's thread. A retried
 * invocation with the same token does not post twice. A Slack failure does not
 * fail the workflow: the execution keeps waiting and can be approved with
 * `/agent approve` in Slack or on the PR.
 */
export const requestApproval = async (
  deps: RequestApprovalDeps,
  input: RequestApprovalInput,
): Promise<RequestApprovalResult> => {
  const task = await deps.tasks.get(input.taskId);
  if (task === undefined) return { posted: false, reason: `unknown task ${input.taskId}` };
  const existing = await deps.approvals.get(input.taskId);
  if (
    existing?.taskToken === input.taskToken &&
    existing.messageTs !== undefined &&
    existing.channel !== undefined
  ) {
    return { posted: true, channel: existing.channel, ts: existing.messageTs, duplicate: true };
  }
  if (existing?.taskToken === input.taskToken && existing.decision !== undefined) {
    return { posted: false, reason: `already ${existing.decision} by ${existing.decidedBy ?? 'someone'}` };
  }
  let waiting: Task;
  try {
    waiting = await deps.tasks.transition(input.taskId, TaskStatus.AwaitingApproval, {
      runId: input.runId,
      patch: {
        ...(input.plan.prUrl === undefined ? {} : { prUrl: input.plan.prUrl }),
        ...(input.plan.prNumber === undefined ? {} : { prNumber: input.plan.prNumber }),
        ...(input.plan.repo === undefined ? {} : { repo: input.plan.repo }),
        ...(input.plan.branch === undefined ? {} : { branch: input.plan.branch }),
      },
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // The task ended or a newer run exists: this execution is stale, nothing to ask.
    return {
      posted: false,
      reason: `task ${input.taskId} run ${input.runId} is not active (${task.status})`,
    };
  }
  if (existing?.taskToken !== input.taskToken) {
    await deps.approvals.request({ taskId: input.taskId, runId: input.runId, taskToken: input.taskToken });
    await deps.timeline.append(input.taskId, {
      type: 'approval.requested',
      message: `Approval requested for run ${input.runId}${input.plan.prUrl === undefined ? '' : `: ${input.plan.prUrl}`}`,
      data: { runId: input.runId },
    });
  }
  try {
    const posted = await deps.threads.post(
      waiting,
      approvalRequestMessage(waiting, input.runId, input.plan),
      {
        broadcast: true,
        ...(input.plan.repo === undefined ? {} : { repoHint: input.plan.repo }),
      },
    );
    await deps.approvals.attachMessage(input.taskId, posted.channel, posted.ts);
    return { posted: true, channel: posted.channel, ts: posted.ts };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ err: error, taskId: input.taskId }, 'could not post the approval request');
    await deps.timeline.append(input.taskId, {
      type: 'slack.failed',
      message: `Approval request could not be posted to Slack (${clip(message, 200)}); approve with /agent approve ${task.externalKey}`,
      data: { kind: 'approval_request' },
    });
    return { posted: false, reason: clip(message, 300) };
  }
};

/** Replaces the buttons of the approval message with the decision (best effort). */
export const showDecision = async (
  deps: { slack: SlackPort; logger: Logger },
  task: Task,
  approval: Approval,
): Promise<void> => {
  if (approval.channel === undefined || approval.messageTs === undefined) return;
  try {
    await deps.slack.updateMessage({
      channel: approval.channel,
      ts: approval.messageTs,
      ...decidedMessage(task, approval),
    });
  } catch (error) {
    deps.logger.warn({ err: error, taskId: task.taskId }, 'could not update the approval message');
  }
};

export type { ApprovalDecision };
