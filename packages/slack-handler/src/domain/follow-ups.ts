import type {
  ApprovalStore,
  CostStore,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { type Task, TaskSource } from '@enterprise-agents/core/domain';
import type { Logger } from '@enterprise-agents/core/logging';
import {
  decideApproval,
  type EventPublisherPort,
  type ExecutionControlPort,
  startTask,
  stopTask,
  type TaskCallbackPort,
} from '@enterprise-agents/core/workflow';
import { alreadyDecidedText, showDecision } from './approvals';
import type { ApproverPolicy } from './approvers';
import { escapeText, mention, section, simpleMessage } from './format';
import type { FollowUpJob, ReplyTarget, ResponderPort, SlackMessage, SlackPort } from './ports';
import { statusBadge } from './queries';
import { findTask } from './task-lookup';
import type { TaskThreads } from './task-threads';

export interface FollowUpDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
  approvals: ApprovalStore;
  costs: CostStore;
  callback: TaskCallbackPort;
  executions: ExecutionControlPort;
  publisher: EventPublisherPort;
  slack: SlackPort;
  responder: ResponderPort;
  approvers: ApproverPolicy;
  threads: TaskThreads;
  logger: Logger;
}

export type FollowUpResult = { ok: true; outcome: string } | { ok: false; outcome: string };

/** Sends an ephemeral reply to whoever asked, through the response_url or chat.postEphemeral. */
export const sendReply = async (
  deps: Pick<FollowUpDeps, 'responder' | 'slack'>,
  target: ReplyTarget,
  message: SlackMessage,
): Promise<void> => {
  if ('responseUrl' in target) {
    await deps.responder.respond(target.responseUrl, {
      ...message,
      responseType: 'ephemeral',
      replaceOriginal: false,
    });
  } else {
    await deps.slack.postEphemeral({ channel: target.channel, user: target.user, ...message });
  }
};

const noTask = (ref: string): SlackMessage =>
  simpleMessage(`:grey_question: No task found for \`${escapeText(ref)}\`.`);

/** Best effort: a line in the task's thread so the channel sees what happened. */
const noteInThread = async (deps: FollowUpDeps, task: Task, text: string): Promise<void> => {
  try {
    await deps.threads.post(task, simpleMessage(text));
  } catch (error) {
    deps.logger.warn({ err: error, taskId: task.taskId }, 'could not post to the task thread');
  }
};

const decide = async (
  deps: FollowUpDeps,
  job: FollowUpJob & { work: { kind: 'decide' } },
): Promise<{ outcome: string; reply?: SlackMessage }> => {
  const { work } = job;
  const task = await findTask(deps.tasks, work.taskRef);
  if (task === undefined) return { outcome: 'no-task', reply: noTask(work.taskRef) };
  const pending = await deps.approvals.get(task.taskId);
  if (work.runId !== undefined && pending !== undefined && pending.runId !== work.runId) {
    return {
      outcome: 'stale-run',
      reply: simpleMessage(
        `:hourglass: These buttons belong to run ${work.runId} of ${escapeText(task.externalKey)}; the current run is ${pending.runId}. Use the newest approval message.`,
      ),
    };
  }
  const outcome = await decideApproval(deps, {
    taskId: task.taskId,
    decision: work.decision,
    by: job.userId,
    via: 'slack',
    ...(work.reason === undefined ? {} : { reason: work.reason }),
  });
  switch (outcome.status) {
    case 'decided': {
      const fresh = (await deps.tasks.get(task.taskId)) ?? task;
      await showDecision(deps, fresh, outcome.approval);
      if (work.via !== 'command' && outcome.approval.channel !== undefined) return { outcome: 'decided' };
      return {
        outcome: 'decided',
        reply: simpleMessage(
          work.decision === 'approved'
            ? `:white_check_mark: You approved the plan for ${escapeText(task.externalKey)}. Execution starts now.`
            : `:no_entry_sign: You rejected the plan for ${escapeText(task.externalKey)}.`,
        ),
      };
    }
    case 'already-decided':
      // Repairs the message if the first update did not get through.
      await showDecision(deps, task, outcome.approval);
      return {
        outcome: 'already-decided',
        reply: simpleMessage(`:information_source: ${alreadyDecidedText(outcome.approval)}`),
      };
    case 'not-awaiting':
      return {
        outcome: 'not-awaiting',
        reply: simpleMessage(
          `:information_source: ${escapeText(task.externalKey)} is not waiting for approval (status ${outcome.taskStatus === undefined ? 'unknown' : statusBadge(outcome.taskStatus)}).`,
        ),
      };
  }
};

const stop = async (deps: FollowUpDeps, job: FollowUpJob & { work: { kind: 'stop' } }) => {
  const task = await findTask(deps.tasks, job.work.taskRef);
  if (task === undefined) return { outcome: 'no-task', reply: noTask(job.work.taskRef) };
  const result = await stopTask(deps, task, {
    by: job.userId,
    reason: `Stopped from Slack by ${job.userId}`,
  });
  if (result.status === 'not-active') {
    return {
      outcome: 'not-active',
      reply: simpleMessage(
        `:information_source: ${escapeText(task.externalKey)} is not active (${statusBadge(task.status)}).`,
      ),
    };
  }
  await noteInThread(deps, result.task, `:black_square_for_stop: Stopped by ${mention(job.userId)}.`);
  return {
    outcome: 'stopped',
    reply: simpleMessage(`:black_square_for_stop: Stopped ${escapeText(task.externalKey)}.`),
  };
};

const run = async (deps: FollowUpDeps, job: FollowUpJob & { work: { kind: 'run' } }) => {
  const { key } = job.work;
  const projectKey = key.split('-')[0] ?? key;
  const result = await startTask(
    deps,
    {
      source: TaskSource.Jira,
      externalKey: key,
      // Discovery fetches the issue; until then the key is all we know.
      title: key,
      context: { key, title: key, jira: { projectKey } },
    },
    job.userId,
  );
  if (result.status === 'in-progress') {
    return {
      outcome: 'in-progress',
      reply: simpleMessage(
        `:information_source: ${escapeText(key)} already has an active task (${statusBadge(result.task.status)}, id \`${result.task.taskId}\`).`,
      ),
    };
  }
  return {
    outcome: 'started',
    reply: {
      text: `Started a task for ${key}`,
      blocks: [
        section(
          `:rocket: Started a task for *${escapeText(key)}* (id \`${result.task.taskId}\`), requested by ${mention(job.userId)}.`,
        ),
        section(`Updates go to the task thread; \`/agent status ${escapeText(key)}\` any time.`),
      ],
    },
  };
};

/**
 * Runs a follow-up in the asynchronous invocation: authorises the user again
 * (the policy may have changed since the click), does the work, and replies.
 * Errors are logged and answered with a generic message, never thrown: a Lambda
 * retry of a half-answered command would only confuse the user.
 */
export const runFollowUp = async (deps: FollowUpDeps, job: FollowUpJob): Promise<FollowUpResult> => {
  const reply = (message: SlackMessage) =>
    sendReply(deps, job.reply, message).catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'could not deliver the follow-up reply');
    });
  try {
    const auth = await deps.approvers.check(job.userId);
    if (!auth.allowed) {
      await reply(simpleMessage(`:lock: Not allowed: ${escapeText(auth.reason)}.`));
      return { ok: false, outcome: 'forbidden' };
    }
    const { work } = job;
    const result =
      work.kind === 'decide'
        ? await decide(deps, { ...job, work })
        : work.kind === 'stop'
          ? await stop(deps, { ...job, work })
          : await run(deps, { ...job, work });
    if (result.reply !== undefined) await reply(result.reply);
    return { ok: true, outcome: result.outcome };
  } catch (error) {
    deps.logger.error({ err: error, work: job.work.kind }, 'follow-up failed');
    await reply(
      simpleMessage(
        ':warning: Something went wrong while doing that; please try again. The error is in the logs.',
      ),
    );
    return { ok: false, outcome: 'error' };
  }
};
