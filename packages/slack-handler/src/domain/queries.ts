import type {
  CostEntry,
  CostStore,
  DailyCost,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { isTerminalStatus, type Task, TaskStatus, type TimelineEvent } from '@enterprise-agents/core/domain';
import { clip, context, divider, escapeText, link, section, simpleMessage, taskLabel, usd } from './format';
import type { SlackMessage } from './ports';

const HELP_LINES = [
  '`/agent help`: this help',
  '`/agent list`: active tasks',
  '`/agent status <KEY|task id>`: status, PR, attempts, cost and the latest events',
  '`/agent approve <KEY>`: approve the plan waiting for approval',
  '`/agent reject <KEY> [reason]`: reject the plan',
  '`/agent stop <KEY>`: stop the task',
  '`/agent cost [days]`: spend per day and per task (default 7 days)',
  '`/agent run <JIRA-KEY>`: start a task for a Jira issue',
];

/** The help text, with what was wrong when the command was not understood. */
export const helpMessage = (problem?: string): SlackMessage => ({
  text: problem === undefined ? 'Enterprise Agents commands' : `Sorry: ${problem}`,
  blocks: [
    ...(problem === undefined ? [] : [section(`:warning: ${escapeText(problem)}`)]),
    section(`*Enterprise Agents commands*\n${HELP_LINES.map((line) => `• ${line}`).join('\n')}`),
  ],
});

const STATUS_EMOJI: Record<TaskStatus, string> = {
  QUEUED: ':hourglass_flowing_sand:',
  DISCOVERING: ':mag:',
  PLANNING: ':memo:',
  AWAITING_APPROVAL: ':raised_hand:',
  EXECUTING: ':hammer_and_wrench:',
  AWAITING_CI: ':test_tube:',
  FIXING: ':wrench:',
  COMPLETED: ':white_check_mark:',
  REJECTED: ':no_entry_sign:',
  ESCALATED: ':rotating_light:',
  CANCELLED: ':black_square_for_stop:',
  FAILED: ':x:',
};

export const statusBadge = (status: TaskStatus): string => `${STATUS_EMOJI[status] ?? ''} \`${status}\``;

const prText = (task: Task): string =>
  task.prUrl === undefined ? 'no PR yet' : link(task.prUrl, `${task.repo ?? 'PR'}#${task.prNumber ?? ''}`);

/** `/agent list`: the active tasks, most recently updated first. */
export const listActiveTasks = async (tasks: TaskRepository, limit = 20): Promise<SlackMessage> => {
  const active = await tasks.listActive(limit);
  if (active.length === 0) return simpleMessage('No active tasks.');
  const lines = active.map(
    (task) =>
      `${taskLabel(task)} ${statusBadge(task.status)} ${escapeText(clip(task.title, 80))} · ${prText(task)}`,
  );
  return {
    text: `${active.length} active task(s)`,
    blocks: [section(`*${active.length} active task(s)*`), section(lines.join('\n'))],
  };
};

const eventLine = (event: TimelineEvent): string =>
  `\`${event.at.slice(0, 16).replace('T', ' ')}\` ${escapeText(event.type)}: ${escapeText(clip(event.message, 200))}`;

/** `/agent status`: one task in detail. */
export const taskStatusMessage = (
  task: Task,
  events: readonly TimelineEvent[],
  costEntries: readonly CostEntry[],
  maxFixAttempts: number,
): SlackMessage => {
  const byAgent = new Map<string, number>();
  for (const entry of costEntries) byAgent.set(entry.agent, (byAgent.get(entry.agent) ?? 0) + entry.usd);
  const costDetail =
    byAgent.size === 0
      ? ''
      : ` (${[...byAgent.entries()].map(([agent, value]) => `${escapeText(agent)} ${usd(value)}`).join(', ')})`;
  const fields = [
    `*Status:* ${statusBadge(task.status)}${task.statusReason === undefined ? '' : ` (${escapeText(clip(task.statusReason, 200))})`}`,
    `*PR:* ${prText(task)}`,
    `*Run:* ${task.runId} (${task.runKind})`,
    `*Fix attempts:* ${task.attempts} of ${maxFixAttempts}`,
    `*Cost:* ${usd(task.costUsd ?? 0)}${costDetail}`,
    `*Task id:* \`${task.taskId}\``,
  ];
  return {
    text: `${task.externalKey}: ${task.status}`,
    blocks: [
      section(`${taskLabel(task)} ${escapeText(clip(task.title, 200))}`),
      section(fields.join('\n')),
      divider(),
      events.length === 0
        ? context('No events yet.')
        : section(`*Latest events*\n${events.map(eventLine).join('\n')}`),
    ],
  };
};

/** `/agent status` lookup plus rendering. */
export const describeTask = async (
  deps: { timeline: TimelineRepository; costs: CostStore },
  task: Task,
  maxFixAttempts: number,
): Promise<SlackMessage> => {
  const [events, costs] = await Promise.all([
    deps.timeline.list(task.taskId, { latest: 5 }),
    deps.costs.forTask(task.taskId),
  ]);
  return taskStatusMessage(task, events, costs, maxFixAttempts);
};

/** `/agent cost`: daily totals and the most expensive tasks updated in the period. */
export const costReport = async (
  deps: { tasks: TaskRepository; costs: CostStore },
  days: number,
  now: Date,
): Promise<SlackMessage> => {
  const since = new Date(now.getTime() - days * 24 * 3600 * 1000).toISOString();
  const [daily, groups] = await Promise.all([
    deps.costs.lastDays(days),
    Promise.all(Object.values(TaskStatus).map((status) => deps.tasks.listByStatus(status, 50))),
  ]);
  const tasks = groups
    .flat()
    .filter((task) => task.updatedAt >= since && (task.costUsd ?? 0) > 0)
    .sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0));
  return costMessage(days, daily, tasks);
};

export const costMessage = (
  days: number,
  daily: readonly DailyCost[],
  tasks: readonly Task[],
): SlackMessage => {
  const total = daily.reduce((sum, day) => sum + day.usd, 0);
  const dayLines = daily
    .filter((day) => day.invocations > 0 || day.usd > 0)
    .map((day) => `\`${day.date}\` ${usd(day.usd)} · ${day.invocations} agent call(s)`);
  const taskLines = tasks
    .slice(0, 15)
    .map((task) =>
      `${taskLabel(task)} ${usd(task.costUsd ?? 0)} ${isTerminalStatus(task.status) ? statusBadge(task.status) : ''}`.trim(),
    );
  return {
    text: `LLM cost, last ${days} day(s): ${usd(total)}`,
    blocks: [
      section(`*LLM cost, last ${days} day(s): ${usd(total)}*`),
      section(`*Per day*\n${dayLines.length === 0 ? 'No spend recorded.' : dayLines.join('\n')}`),
      section(`*Per task*\n${taskLines.length === 0 ? 'No task spent anything.' : taskLines.join('\n')}`),
    ],
  };
};
