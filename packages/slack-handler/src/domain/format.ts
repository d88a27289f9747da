import type { Task } from '@enterprise-agents/core/domain';
import { clip } from '@enterprise-agents/core/util';
import type { Block, SlackMessage } from './ports';

/** Escapes the three characters Slack mrkdwn treats as control characters (untrusted text). */
export const escapeText = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A link; the label is escaped and the URL must be http(s) or it is shown as text. */
export const link = (url: string | undefined, label: string): string =>
  url !== undefined && /^https?:\/\/[^\s<>|]+$/.test(url)
    ? `<${url}|${escapeText(label)}>`
    : escapeText(label);

export const mention = (userId: string): string =>
  /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeText(userId);

/** Core's `clip`, next to the other text helpers of the messages. */
export { clip };

export const usd = (value: number): string => `$${value.toFixed(2)}`;

/** `KEY` linked to the ticket / issue when the task has a URL. */
export const taskLabel = (task: Pick<Task, 'externalKey' | 'context'>): string =>
  `*${link(task.context.url, task.externalKey)}*`;

// Section text is limited to 3000 characters by Slack.
export const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, 3000) },
});

export const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, 3000) }],
});

export const divider = (): Block => ({ type: 'divider' });

/** A message made of sections; the fallback text is the first one. */
export const simpleMessage = (...paragraphs: string[]): SlackMessage => ({
  text: clip(paragraphs[0] ?? '', 3000),
  blocks: paragraphs.map(section),
});
