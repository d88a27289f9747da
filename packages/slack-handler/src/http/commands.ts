import { BadRequestError } from '@enterprise-agents/core/errors';
import { type AgentCommand, parseCommand } from '../domain/commands';
import { escapeText, simpleMessage } from '../domain/format';
import type { FollowUpWork, SlackMessage } from '../domain/ports';
import { costReport, describeTask, helpMessage, listActiveTasks } from '../domain/queries';
import { findTask } from '../domain/task-lookup';
import type { HttpServices } from './services';

/** The fields of a slash command the handler uses (Slack sends more). */
export interface SlashCommand {
  command: string;
  text: string;
  userId: string;
  channelId?: string;
  responseUrl: string;
}

/** Reads a slash command form; missing required fields are a 400. */
export const readSlashCommand = (form: URLSearchParams): SlashCommand => {
  const command = form.get('command');
  const userId = form.get('user_id');
  const responseUrl = form.get('response_url');
  if (command === null || !command.startsWith('/'))
    throw new BadRequestError('slash command payload without a command');
  if (userId === null || userId === '') throw new BadRequestError('slash command payload without user_id');
  if (responseUrl === null || !/^https?:\/\//.test(responseUrl))
    throw new BadRequestError('slash command payload without a valid response_url');
  const channelId = form.get('channel_id');
  return {
    command,
    text: form.get('text') ?? '',
    userId,
    responseUrl,
    ...(channelId === null || channelId === '' ? {} : { channelId }),
  };
};

const workFor = (command: AgentCommand): FollowUpWork | undefined => {
  switch (command.name) {
    case 'approve':
      return { kind: 'decide', decision: 'approved', taskRef: command.taskRef, via: 'command' };
    case 'reject':
      return {
        kind: 'decide',
        decision: 'rejected',
        taskRef: command.taskRef,
        via: 'command',
        ...(command.reason === undefined ? {} : { reason: command.reason }),
      };
    case 'stop':
      return { kind: 'stop', taskRef: command.taskRef };
    case 'run':
      return { kind: 'run', key: command.key };
    default:
      return undefined;
  }
};

const working = (command: AgentCommand): string => {
  switch (command.name) {
    case 'approve':
      return `Approving ${command.taskRef}…`;
    case 'reject':
      return `Rejecting ${command.taskRef}…`;
    case 'stop':
      return `Stopping ${command.taskRef}…`;
    case 'run':
      return `Starting a task for ${command.key}…`;
    default:
      return 'Working on it…';
  }
};

/**
 * Answers `/agent …` inside Slack's budget: reads (help, list, status, cost) are
 * answered inline; writes (approve, reject, stop, run) are authorised here, then
 * handed to an asynchronous invocation that answers through the response_url.
 */
export const handleSlashCommand = async (
  services: HttpServices,
  slash: SlashCommand,
): Promise<SlackMessage> => {
  const command = parseCommand(slash.text);
  switch (command.name) {
    case 'help':
      return helpMessage(command.problem);
    case 'list':
      return listActiveTasks(services.tasks);
    case 'status': {
      const task = await findTask(services.tasks, command.taskRef);
      if (task === undefined)
        return simpleMessage(`:grey_question: No task found for \`${escapeText(command.taskRef)}\`.`);
      return describeTask(services, task, services.settings.maxFixAttempts);
    }
    case 'cost':
      return costReport(services, command.days, services.clock.now());
    default: {
      const work = workFor(command);
      if (work === undefined) return helpMessage();
      const auth = await services.approvers.check(slash.userId);
      if (!auth.allowed) return simpleMessage(`:lock: Not allowed: ${escapeText(auth.reason)}.`);
      await services.followUps.enqueue({
        action: 'commandFollowUp',
        userId: slash.userId,
        reply: { responseUrl: slash.responseUrl },
        work,
      });
      return simpleMessage(`:hourglass_flowing_sand: ${escapeText(working(command))}`);
    }
  }
};
