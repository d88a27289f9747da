import type { TaskRepository, TimelineRepository } from '@enterprise-agents/core/db';
import type { Task } from '@enterprise-agents/core/domain';
import type { Logger } from '@enterprise-agents/core/logging';
import { clip, context, escapeText, link, mention, section, taskLabel, usd } from './format';
import type { NotificationLedgerPort, SlackMessage } from './ports';
import type { TaskThreads } from './task-threads';

/** The notifications the workflow sends. */
export const NotifyKind = {
  PlanReady: 'plan_ready',
  ExecutionStarted: 'execution_started',
  CiFailed: 'ci_failed',
  Fixed: 'fixed',
  Completed: 'completed',
  Rejected: 'rejected',
  Escalated: 'escalated',
  BudgetExceeded: 'budget_exceeded',
} as const;
export type NotifyKind = (typeof NotifyKind)[keyof typeof NotifyKind];

export interface FailedJobRef {
  name: string;
  url?: string;
  conclusion?: string;
}

/** The `notify` payload from the state machine (details depend on the kind). */
export interface NotifyInput {
  taskId: string;
  kind: NotifyKind;
  runId?: number;
  attempt?: number;
  maxAttempts?: number;
  failedJobs?: FailedJobRef[];
  reason?: string;
  prUrl?: string;
  summary?: string;
  by?: string;
  costUsd?: number;
  budgetUsd?: number;
  /** Overrides the derived dedupe key (task, run, kind, attempt). */
  notificationId?: string;
}

export type NotifyResult =
  | { delivered: true; channel: string; ts: string; threadTs: string }
  | { delivered: true; duplicate: true }
  | { delivered: false; error: string };

// The important moments are also shown in the channel, not only in the thread.
const BROADCAST: ReadonlySet<NotifyKind> = new Set([
  NotifyKind.Completed,
  NotifyKind.Escalated,
  NotifyKind.BudgetExceeded,
]);

const jobsText = (jobs: readonly FailedJobRef[] | undefined): string =>
  jobs === undefined || jobs.length === 0
    ? ''
    : jobs
        .slice(0, 10)
        .map(
          (job) =>
            `• ${link(job.url, job.name)}${job.conclusion === undefined ? '' : ` (${escapeText(job.conclusion)})`}`,
        )
        .join('\n');

/** Renders one notification. */
export const notificationMessage = (task: Task, input: NotifyInput, maxFixAttempts: number): SlackMessage => {
  const prUrl = input.prUrl ?? task.prUrl;
  const pr =
    prUrl === undefined
      ? 'the PR'
      : link(prUrl, `PR ${task.repo ?? ''}#${task.prNumber ?? ''}`.replace(' #', ' '));
  const max = input.maxAttempts ?? maxFixAttempts;
  const attempt = input.attempt ?? task.attempts;
  const reason = input.reason === undefined ? undefined : escapeText(clip(input.reason, 1500));
  const key = taskLabel(task);
  switch (input.kind) {
    case NotifyKind.PlanReady:
      return {
        text: `Plan ready for ${task.externalKey}`,
        blocks: [
          section(`:memo: Plan ready for ${key}: ${pr}`),
          ...(input.summary === undefined ? [] : [section(escapeText(clip(input.summary, 2500)))]),
        ],
      };
    case NotifyKind.ExecutionStarted:
      return {
        text: `Execution started for ${task.externalKey}`,
        blocks: [
          section(
            `:hammer_and_wrench: Execution started for ${key} (run ${input.runId ?? task.runId}); commits go to ${pr}.`,
          ),
        ],
      };
    case NotifyKind.CiFailed: {
      const jobs = jobsText(input.failedJobs);
      return {
        text: `CI failed for ${task.externalKey} (attempt ${attempt} of ${max})`,
        blocks: [
          section(
            `:x: CI failed on ${pr} for ${key}: attempt ${attempt} of ${max}.${attempt < max ? ' The CI/CD agent is on it.' : ''}`,
          ),
          ...(jobs === '' ? [] : [section(`*Failing jobs*\n${jobs}`)]),
        ],
      };
    }
    case NotifyKind.Fixed:
      return {
        text: `CI is green again for ${task.externalKey}`,
        blocks: [section(`:wrench: CI passes on ${pr} after fix attempt ${attempt} of ${max}.`)],
      };
    case NotifyKind.Completed:
      return {
        text: `${task.externalKey} is ready for review`,
        blocks: [
          section(
            `:white_check_mark: ${key} is done: ${pr} is ready for review. CI is green; a human reviews and merges.`,
          ),
          context(`Cost ${usd(input.costUsd ?? task.costUsd ?? 0)} · fix attempts ${attempt}`),
        ],
      };
    case NotifyKind.Rejected:
      return {
        text: `Plan for ${task.externalKey} rejected`,
        blocks: [
          section(
            `:no_entry_sign: The plan for ${key} was rejected${input.by === undefined ? '' : ` by ${mention(input.by)}`}.${reason === undefined ? '' : `\n>${reason}`}`,
          ),
        ],
      };
    case NotifyKind.Escalated: {
      const jobs = jobsText(input.failedJobs);
      const look = [
        prUrl === undefined ? undefined : `the PR: ${pr}`,
        jobs === '' ? undefined : `the failing jobs:\n${jobs}`,
        `the timeline: \`/agent status ${task.externalKey}\``,
      ].filter((line): line is string => line !== undefined);
      return {
        text: `${task.externalKey} needs a human`,
        blocks: [
          section(
            `:rotating_light: ${key} needs a human: ${reason ?? 'the agents could not finish the task'}.`,
          ),
          section(`*Please look at*\n${look.map((line) => `• ${line}`).join('\n')}`),
          context(`Fix attempts ${attempt} of ${max} · cost ${usd(input.costUsd ?? task.costUsd ?? 0)}`),
        ],
      };
    }
    case NotifyKind.BudgetExceeded:
      return {
        text: `${task.externalKey} stopped: LLM budget exceeded`,
        blocks: [
          section(
            `:money_with_wings: ${key} stopped: the LLM budget is spent${input.budgetUsd === undefined ? '' : ` (${usd(input.costUsd ?? task.costUsd ?? 0)} of ${usd(input.budgetUsd)})`}.${reason === undefined ? '' : `\n>${reason}`}`,
          ),
          context('Raise TASK_BUDGET_USD / DAILY_BUDGET_USD or finish the work by hand.'),
        ],
      };
  }
};

export interface NotifyDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
  threads: TaskThreads;
  ledger: NotificationLedgerPort;
  maxFixAttempts: number;
  logger: Logger;
}

/** The dedupe key: one message per task, run, kind and attempt. */
export const notificationId = (task: Task, input: NotifyInput): string =>
  input.notificationId ?? [task.taskId, input.runId ?? task.runId, input.kind, input.attempt ?? ''].join('#');

/**
 * Posts a notification into the task's thread, once. A Slack failure that
 * survives the adapter's retries is recorded on the timeline (`slack.failed`) and
 * reported as `delivered: false`: the workflow must not fail because Slack is down.
 */
export const notify = async (deps: NotifyDeps, input: NotifyInput): Promise<NotifyResult> => {
  const task = await deps.tasks.get(input.taskId);
  if (task === undefined) {
    deps.logger.warn({ taskId: input.taskId, kind: input.kind }, 'notify for an unknown task');
    return { delivered: false, error: `unknown task ${input.taskId}` };
  }
  const id = notificationId(task, input);
  if (!(await deps.ledger.claim(id))) return { delivered: true, duplicate: true };
  try {
    const posted = await deps.threads.post(task, notificationMessage(task, input, deps.maxFixAttempts), {
      broadcast: BROADCAST.has(input.kind),
    });
    await deps.ledger.markSent(id, posted);
    await deps.timeline.append(task.taskId, {
      type: 'slack.notify',
      message: `Slack notification ${input.kind} posted`,
      data: { kind: input.kind, channel: posted.channel, ts: posted.ts },
    });
    return { delivered: true, ...posted };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ err: error, taskId: task.taskId, kind: input.kind }, 'slack notification failed');
    await deps.ledger.release(id).catch(() => undefined);
    await deps.timeline.append(task.taskId, {
      type: 'slack.failed',
      message: `Slack notification ${input.kind} failed: ${clip(message, 300)}`,
      data: { kind: input.kind },
    });
    return { delivered: false, error: clip(message, 300) };
  }
};
