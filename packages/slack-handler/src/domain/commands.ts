/** Parsed `/agent` text. Anything unrecognised becomes `help` with the reason. */
export type AgentCommand =
  | { name: 'help'; problem?: string }
  | { name: 'list' }
  | { name: 'status'; taskRef: string }
  | { name: 'approve'; taskRef: string }
  | { name: 'reject'; taskRef: string; reason?: string }
  | { name: 'stop'; taskRef: string }
  | { name: 'cost'; days: number }
  | { name: 'run'; key: string };

export const MAX_COST_DAYS = 90;
export const DEFAULT_COST_DAYS = 7;
const MAX_REASON_LENGTH = 2000;

/** A Jira issue key: project key (letter first) and a number. */
export const JIRA_KEY = /^[A-Z][A-Z0-9_]{0,49}-[1-9]\d{0,9}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Task references: Jira keys, Sentry short ids, task ids, `owner/repo#12`.
const TASK_REF = /^[\w.\-/#]{1,200}$/;

/** True when the reference looks like a task id rather than an external key. */
export const isTaskId = (ref: string): boolean => UUID.test(ref);

const taskRef = (
  raw: string | undefined,
  usage: string,
): { ok: true; ref: string } | { ok: false; problem: string } => {
  if (raw === undefined) return { ok: false, problem: `missing task: use \`/agent ${usage}\`` };
  if (!TASK_REF.test(raw)) return { ok: false, problem: `"${raw.slice(0, 50)}" is not a task key or id` };
  // Jira keys are case-insensitive for people; the table stores them upper case.
  return {
    ok: true,
    ref: isTaskId(raw) ? raw.toLowerCase() : /^[a-z][a-z0-9_]*-\d+$/i.test(raw) ? raw.toUpperCase() : raw,
  };
};

/** Parses the text after `/agent`. */
export const parseCommand = (text: string): AgentCommand => {
  const trimmed = text.trim();
  const [verbRaw = '', ...rest] = trimmed.split(/\s+/);
  const verb = verbRaw.toLowerCase();
  const arg = rest[0];
  switch (verb) {
    case '':
    case 'help':
      return { name: 'help' };
    case 'list':
      return { name: 'list' };
    case 'status':
    case 'approve':
    case 'stop': {
      const parsed = taskRef(arg, `${verb} <KEY>`);
      if (!parsed.ok) return { name: 'help', problem: parsed.problem };
      return { name: verb, taskRef: parsed.ref };
    }
    case 'reject': {
      const parsed = taskRef(arg, 'reject <KEY> [reason]');
      if (!parsed.ok) return { name: 'help', problem: parsed.problem };
      // The reason keeps its own spacing: everything after the key.
      const reason = trimmed.replace(/^\S+\s+\S+/, '').trim();
      if (reason.length > MAX_REASON_LENGTH)
        return { name: 'help', problem: `the reason is longer than ${MAX_REASON_LENGTH} characters` };
      return { name: 'reject', taskRef: parsed.ref, ...(reason === '' ? {} : { reason }) };
    }
    case 'cost': {
      if (arg === undefined) return { name: 'cost', days: DEFAULT_COST_DAYS };
      const days = Number(arg);
      if (!Number.isInteger(days) || days < 1 || days > MAX_COST_DAYS)
        return { name: 'help', problem: `days must be a whole number from 1 to ${MAX_COST_DAYS}` };
      return { name: 'cost', days };
    }
    case 'run': {
      const key = arg?.toUpperCase();
      if (key === undefined || !JIRA_KEY.test(key))
        return { name: 'help', problem: 'use `/agent run <JIRA-KEY>`, for example `/agent run PROJ-123`' };
      return { name: 'run', key };
    }
    default:
      return { name: 'help', problem: `unknown command "${verbRaw.slice(0, 30)}"` };
  }
};
