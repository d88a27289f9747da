/** The `/agent` commands understood on a task's pull request. */
export const AgentCommand = {
  Approve: 'approve',
  Reject: 'reject',
  Fix: 'fix',
  Revise: 'revise',
  Stop: 'stop',
  Status: 'status',
  Help: 'help',
} as const;
export type AgentCommand = (typeof AgentCommand)[keyof typeof AgentCommand];

export type ParsedCommand =
  | { command: AgentCommand; argument: string }
  | { command: 'unknown'; word: string; argument: string };

export const COMMAND_PREFIX = '/agent';

const KNOWN = new Set<string>(Object.values(AgentCommand));

/** True when a comment body is addressed to the agent (`/agent` as the first word). */
export const isAgentComment = (body: string): boolean => /^\/agent(?:\s|$)/i.test(body.trimStart());

/**
 * Parses `/agent <command> [argument]`. The argument is everything after the
 * command word, later lines included (a revision request is often long).
 */
export const parseAgentCommand = (body: string): ParsedCommand | undefined => {
  const text = body.trimStart();
  if (!isAgentComment(text)) return undefined;
  const rest = text.slice(COMMAND_PREFIX.length).trimStart();
  const match = /^(\S*)([\s\S]*)$/.exec(rest);
  const word = (match?.[1] ?? '').toLowerCase();
  const argument = (match?.[2] ?? '').trim();
  if (word === '') return { command: AgentCommand.Help, argument: '' };
  return KNOWN.has(word)
    ? { command: word as AgentCommand, argument }
    : { command: 'unknown', word, argument };
};

/** The answer to `/agent help` and to anything it does not understand. */
export const HELP_TEXT = [
  '**Agent commands** (users with write access to this repository):',
  '',
  '- `/agent approve`: approve the plan waiting for approval',
  '- `/agent reject [reason]`: reject the plan',
  '- `/agent fix`: start a CI fix run on this pull request',
  '- `/agent revise <feedback>`: start a revision run with your feedback',
  '- `/agent stop`: stop the task and its running workflow',
  '- `/agent status`: show the task status, attempts, cost and latest events',
  '- `/agent help`: show this help',
].join('\n');
