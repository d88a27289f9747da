import { type ActionContext, ActionError } from '@enterprise-agents/core/bedrock';
import { adfToText, textToAdf } from '@enterprise-agents/core/jira';
import type { AuditLog, JiraPort } from './ports';

/** Dependencies of the Jira tools. */
export interface JiraToolDeps {
  jira: JiraPort;
  audit: AuditLog;
  /** `https://<site>.atlassian.net`, for links in answers. */
  baseUrl: string;
  /** Project keys the agents may touch; empty means all. */
  allowedProjects: readonly string[];
}

/** Caps that keep an issue under Bedrock's response size limit. */
export const JiraLimits = {
  descriptionChars: 8_000,
  criteriaChars: 3_000,
  commentChars: 1_500,
  commentBodyChars: 30_000,
} as const;

const KEY_RE = /^[A-Z][A-Z0-9_]{0,49}-[1-9]\d{0,9}$/;
const ACCEPTANCE = /acceptance criteria|definition of done|\bAC\b/i;

const cap = (text: string, max: number): string =>
  text.length <= max
    ? text
    : `${text.slice(0, max)}\n[… truncated: showed ${max} of ${text.length} characters]`;

/** Validates an issue key (and its project against the allowlist); returns it upper-cased. */
export const checkIssueKey = (deps: Pick<JiraToolDeps, 'allowedProjects'>, raw: string): string => {
  const key = raw.trim().toUpperCase();
  if (!KEY_RE.test(key))
    throw new ActionError(400, `issueKey must look like PROJ-123, got "${raw.slice(0, 60)}"`);
  const project = key.split('-')[0] as string;
  if (deps.allowedProjects.length > 0 && !deps.allowedProjects.some((p) => p.toUpperCase() === project)) {
    throw new ActionError(
      403,
      `project ${project} is not one the agents may use (${deps.allowedProjects.join(', ')})`,
    );
  }
  return key;
};

const requireTask = (ctx: Pick<ActionContext, 'taskId'>): string => {
  if (ctx.taskId === undefined || ctx.taskId === '') {
    throw new ActionError(
      400,
      'this session has no taskId attribute; writes are only allowed inside a task run',
    );
  }
  return ctx.taskId;
};

const named = (value: unknown): string | undefined => {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { name?: unknown; displayName?: unknown; value?: unknown };
  const name = v.displayName ?? v.name ?? v.value;
  return typeof name === 'string' ? name : undefined;
};

/** An issue as text: summary, description, labels, acceptance criteria, latest comments. */
export const getIssue = async (deps: JiraToolDeps, args: { issueKey: string; maxComments?: number }) => {
  const key = checkIssueKey(deps, args.issueKey);
  const issue = await deps.jira.getIssue(key);
  const f = issue.fields;
  const names = issue.names ?? {};
  const acceptanceCriteria = Object.entries(names)
    .filter(([id, name]) => id.startsWith('customfield_') && ACCEPTANCE.test(name))
    .map(([id, name]) => ({ field: name, text: cap(adfToText(f[id]), JiraLimits.criteriaChars) }))
    .filter((c) => c.text.trim() !== '');
  const max = args.maxComments ?? 10;
  const { total, comments } =
    max === 0 ? { total: 0, comments: [] } : await deps.jira.latestComments(key, max);
  return {
    key: issue.key,
    url: `${deps.baseUrl.replace(/\/+$/, '')}/browse/${issue.key}`,
    summary: typeof f.summary === 'string' ? f.summary : '',
    status: named(f.status),
    issueType: named(f.issuetype),
    priority: named(f.priority),
    labels: Array.isArray(f.labels) ? f.labels : [],
    assignee: named(f.assignee),
    reporter: named(f.reporter),
    description: cap(adfToText(f.description), JiraLimits.descriptionChars),
    acceptanceCriteria,
    comments: [...comments].reverse().map((c) => ({
      author: c.author?.displayName ?? 'unknown',
      created: c.created,
      text: cap(adfToText(c.body), JiraLimits.commentChars),
    })),
    ...(total > comments.length ? { olderComments: total - comments.length } : {}),
  };
};

/** Comments as ADF; the same text twice (a retried call) is posted once. */
export const addComment = async (
  deps: JiraToolDeps,
  args: { issueKey: string; body: string },
  ctx: Pick<ActionContext, 'taskId'>,
) => {
  const taskId = requireTask(ctx);
  const key = checkIssueKey(deps, args.issueKey);
  const text = args.body.trim();
  if (text === '') throw new ActionError(400, 'body must not be empty');
  if (text.length > JiraLimits.commentBodyChars) {
    throw new ActionError(413, `body is longer than ${JiraLimits.commentBodyChars} characters; shorten it`);
  }
  const adf = textToAdf(text);
  const rendered = adfToText(adf).trim();
  const { comments } = await deps.jira.latestComments(key, 50);
  const duplicate = comments.find((c) => adfToText(c.body).trim() === rendered);
  if (duplicate !== undefined) {
    return {
      issueKey: key,
      commentId: duplicate.id,
      created: false,
      note: 'the same comment already exists',
    };
  }
  const comment = await deps.jira.addComment(key, adf);
  await deps.audit.append(taskId, {
    type: 'jira.write',
    message: `commented on ${key}`,
    data: { operation: 'addComment', issueKey: key, commentId: comment.id },
  });
  return { issueKey: key, commentId: comment.id, created: true };
};

/** Current status and the statuses the issue can move to. */
export const listTransitions = async (deps: JiraToolDeps, args: { issueKey: string }) => {
  const key = checkIssueKey(deps, args.issueKey);
  const [issue, transitions] = await Promise.all([deps.jira.getIssue(key), deps.jira.transitions(key)]);
  return {
    issueKey: key,
    status: named(issue.fields.status),
    available: transitions.map((t) => ({ transition: t.name, toStatus: t.to.name })),
  };
};

/** Moves an issue to a status by name (case-insensitive); a no-op when it is already there. */
export const transitionIssue = async (
  deps: JiraToolDeps,
  args: { issueKey: string; status: string },
  ctx: Pick<ActionContext, 'taskId'>,
) => {
  const taskId = requireTask(ctx);
  const key = checkIssueKey(deps, args.issueKey);
  const wanted = args.status.trim().toLowerCase();
  if (wanted === '') throw new ActionError(400, 'status must not be empty');
  const issue = await deps.jira.getIssue(key);
  const current = named(issue.fields.status) ?? '';
  if (current.toLowerCase() === wanted) {
    return { issueKey: key, status: current, changed: false, note: `already in ${current}` };
  }
  const transitions = await deps.jira.transitions(key);
  const match =
    transitions.find((t) => t.to.name.toLowerCase() === wanted) ??
    transitions.find((t) => t.name.toLowerCase() === wanted);
  if (match === undefined) {
    throw new ActionError(
      409,
      `${key} cannot move from ${current} to "${args.status}"; available: ${[...new Set(transitions.map((t) => t.to.name))].join(', ') || 'none'}`,
    );
  }
  await deps.jira.transition(key, match.id);
  await deps.audit.append(taskId, {
    type: 'jira.write',
    message: `moved ${key} from ${current} to ${match.to.name}`,
    data: {
      operation: 'transitionIssue',
      issueKey: key,
      from: current,
      to: match.to.name,
      transitionId: match.id,
    },
  });
  return { issueKey: key, from: current, status: match.to.name, changed: true };
};
