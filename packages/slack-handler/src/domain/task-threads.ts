import type { SlackThread, ThreadStore } from '@enterprise-agents/core/db';
import type { Task } from '@enterprise-agents/core/domain';
import type { Logger } from '@enterprise-agents/core/logging';
import type { SlackSettings } from '../config';
import { clip, context, escapeText, section, taskLabel } from './format';
import type { PostedMessage, SlackMessage, SlackPort } from './ports';

/** The Jira project key of a task, from its context or its key (`PROJ-12` -> `PROJ`). */
const projectKeyOf = (task: Task): string | undefined =>
  task.context.jira?.projectKey ??
  (task.source === 'jira' ? /^([A-Z][A-Z0-9_]*)-\d+$/.exec(task.externalKey)?.[1] : undefined);

/** The channel of a task: per Jira project, then per repository, then the default. */
export const channelFor = (
  settings: Pick<SlackSettings, 'channelMap' | 'defaultChannel'>,
  task: Task,
  repoHint?: string,
): string => {
  const project = projectKeyOf(task);
  const repo = (repoHint ?? task.repo)?.toLowerCase();
  return (
    (project === undefined ? undefined : settings.channelMap[project]) ??
    (repo === undefined ? undefined : settings.channelMap[repo]) ??
    settings.defaultChannel
  );
};

/** The first message of a task's thread. */
export const threadRootMessage = (task: Task): SlackMessage => ({
  text: `${task.externalKey}: ${clip(task.title, 150)}`,
  blocks: [
    section(`:robot_face: ${taskLabel(task)} ${escapeText(clip(task.title, 200))}`),
    context(
      `Task \`${task.taskId}\` from ${task.source}. Updates follow in this thread; \`/agent status ${task.externalKey}\` any time.`,
    ),
  ],
});

/**
 * One Slack thread per task. The first message creates the thread and the
 * mapping is saved with a conditional put; when two first messages race, the
 * loser deletes its root and posts into the winner's thread.
 */
export class TaskThreads {
  constructor(
    private readonly deps: {
      threads: ThreadStore;
      slack: SlackPort;
      settings: Pick<SlackSettings, 'channelMap' | 'defaultChannel'>;
      logger: Logger;
    },
  ) {}

  async threadOf(task: Task, repoHint?: string): Promise<SlackThread> {
    const existing = await this.deps.threads.get(task.taskId);
    if (existing !== undefined) return existing;
    const channel = channelFor(this.deps.settings, task, repoHint);
    const root = await this.deps.slack.postMessage({ channel, ...threadRootMessage(task) });
    const stored = await this.deps.threads.putIfAbsent({
      taskId: task.taskId,
      channel: root.channel,
      threadTs: root.ts,
    });
    if (stored.threadTs !== root.ts || stored.channel !== root.channel) {
      await this.deps.slack.deleteMessage(root.channel, root.ts).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, taskId: task.taskId }, 'could not delete duplicate thread root');
      });
    }
    return stored;
  }

  /** Posts into the task's thread, creating it first if needed. */
  async post(
    task: Task,
    message: SlackMessage,
    options: { broadcast?: boolean; repoHint?: string } = {},
  ): Promise<PostedMessage & { threadTs: string }> {
    const thread = await this.threadOf(task, options.repoHint);
    const posted = await this.deps.slack.postMessage({
      channel: thread.channel,
      threadTs: thread.threadTs,
      ...message,
      ...(options.broadcast === true ? { replyBroadcast: true } : {}),
    });
    return { ...posted, threadTs: thread.threadTs };
  }
}
