import { ActionError } from '@enterprise-agents/core/bedrock';
import { TaskSource } from '@enterprise-agents/core/domain';
import { AppError } from '@enterprise-agents/core/errors';
import { UpstreamError } from '@enterprise-agents/core/http';
import { type AdfNode, adfToText, textWithLinks } from '@enterprise-agents/core/jira';
import { compilePayloadValidator } from '@enterprise-agents/core/workflow';
import commentOnIssueSchema from '../../../../schemas/step-functions/commentOnIssue.json' with {
  type: 'json',
};
import { checkIssueKey } from './operations';
import type { AuditLog, JiraPort, TaskReader } from './ports';

/** How a run ended, as the final Jira comment reports it. */
export const FinalKind = {
  Completed: 'completed',
  Escalated: 'escalated',
  Rejected: 'rejected',
} as const;
export type FinalKind = (typeof FinalKind)[keyof typeof FinalKind];

/** The Step Functions payload of the CommentJira* states (`lambda:invoke`). */
export interface CommentOnIssueEvent {
  action: 'commentOnIssue';
  taskId: string;
  runId: number;
  kind: FinalKind;
  /** Defaults to the task's Jira key; when given it must be that key. */
  issueKey?: string;
  /** Defaults to the task's PR. */
  prUrl?: string;
  /** Why the run ended (approver's reason, escalation reason); defaults to the task's status reason. */
  reason?: string;
  /** CI summary of a completed run. */
  summary?: string;
}

export type CommentOnIssueResult =
  | { status: 'posted'; issueKey: string; commentId: string }
  | { status: 'exists'; issueKey: string; commentId: string }
  | { status: 'skipped'; reason: string };

/**
 * Error names the state machine sees as the Lambda's errorType (Retry on
 * JiraUnavailable; everything is caught). Set explicitly: the bundle is minified,
 * so class names would not survive.
 */
export const CommentErrorName = {
  JiraUnavailable: 'JiraUnavailable',
  JiraRefused: 'JiraRefused',
  InvalidPayload: 'InvalidPayload',
  TaskNotFound: 'TaskNotFound',
} as const;

/** A failure of the final comment, named for the state machine's Retry / Catch and the logs. */
export class JiraCommentError extends AppError {
  constructor(
    name: (typeof CommentErrorName)[keyof typeof CommentErrorName],
    message: string,
    cause?: unknown,
  ) {
    super(message, { code: name, cause });
    this.name = name;
  }
}

export interface FinalCommentDeps {
  jira: JiraPort;
  audit: AuditLog;
  tasks: TaskReader;
  /** Project keys the agents may touch; empty means all. */
  allowedProjects: readonly string[];
}

const MAX_REASON = 1_500;
/** Comments scanned for the marker of an earlier attempt (newest first). */
const MARKER_SCAN = 50;

type CommentOnIssueWire = Omit<CommentOnIssueEvent, 'issueKey' | 'prUrl' | 'reason' | 'summary'> & {
  [K in 'issueKey' | 'prUrl' | 'reason' | 'summary']?: string | null;
};

const validateCommentOnIssue = compilePayloadValidator<CommentOnIssueWire>(commentOnIssueSchema, {
  error: (message) => new JiraCommentError(CommentErrorName.InvalidPayload, message),
});

/** A blank optional text is no text: the task's own PR or reason applies. */
const text = (value: string | null | undefined): string | undefined =>
  value === undefined || value === null || value.trim() === '' ? undefined : value;

/** Validates the payload; a malformed one is a bug in the state machine, so it fails loudly. */
export const parseCommentOnIssue = (event: unknown): CommentOnIssueEvent => {
  const p = validateCommentOnIssue(event);
  const issueKey = text(p.issueKey);
  const prUrl = text(p.prUrl);
  const reason = text(p.reason);
  const summary = text(p.summary);
  return {
    action: 'commentOnIssue',
    taskId: p.taskId,
    runId: p.runId,
    kind: p.kind,
    ...(issueKey === undefined ? {} : { issueKey }),
    ...(prUrl === undefined ? {} : { prUrl }),
    ...(reason === undefined ? {} : { reason }),
    ...(summary === undefined ? {} : { summary }),
  };
};

/**
 * The marker that makes the comment idempotent: one per task, run and outcome.
 * It lives in the comment itself, so the comment is its own record (see README).
 */
export const commentMarker = (taskId: string, runId: number, kind: FinalKind): string =>
  `ea:${taskId}:${runId}:${kind}`;

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const strong = (text: string): AdfNode => ({ type: 'text', text, marks: [{ type: 'strong' }] });
const plain = (text: string): AdfNode => ({ type: 'text', text });

/** Untrusted multi-line text as inline nodes: hard breaks between lines, URLs as links. */
const multiline = (text: string): AdfNode[] =>
  clip(text.trim(), MAX_REASON)
    .split('\n')
    .flatMap((line, i) => [...(i > 0 ? [{ type: 'hardBreak' }] : []), ...textWithLinks(line)]);

const HEADLINES: Record<FinalKind, [string, string]> = {
  completed: [
    'Ready for review',
    ': CI passed on the pull request. It stays a draft until a person reviews and merges it.',
  ],
  escalated: ['Needs a human', ': the agents stopped working on this issue and handed it over.'],
  rejected: ['Plan rejected', ': no code will be written for this plan.'],
};

/** The final comment as ADF: outcome, PR link, reason, and the idempotency marker. */
export const finalCommentBody = (input: {
  kind: FinalKind;
  marker: string;
  prUrl?: string;
  reason?: string;
  summary?: string;
}): AdfNode => {
  const [headline, rest] = HEADLINES[input.kind];
  const paragraphs: AdfNode[][] = [[strong(headline), plain(rest)]];
  // Only web links: a model-written PR URL must not become a javascript: href.
  if (input.prUrl !== undefined && /^https?:\/\/\S+$/.test(input.prUrl)) {
    paragraphs.push([
      plain(input.kind === FinalKind.Rejected ? 'Plan: ' : 'Pull request: '),
      { type: 'text', text: input.prUrl, marks: [{ type: 'link', attrs: { href: input.prUrl } }] },
    ]);
  }
  if (input.kind === FinalKind.Completed && input.summary !== undefined)
    paragraphs.push([plain('CI: '), ...multiline(input.summary)]);
  if (input.reason !== undefined && input.reason !== input.summary)
    paragraphs.push([plain('Reason: '), ...multiline(input.reason)]);
  paragraphs.push([
    { type: 'text', text: 'Enterprise Agents', marks: [{ type: 'em' }] },
    plain(' · '),
    { type: 'text', text: input.marker, marks: [{ type: 'code' }] },
  ]);
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((content) => ({ type: 'paragraph', content })),
  };
};

/** Jira's answer as an error the state machine can tell apart: retry outages, not refusals. */
const asCommentError = (error: unknown, issueKey: string): unknown => {
  if (!(error instanceof UpstreamError) || error.service !== 'jira') return error;
  const transient = error.status === 0 || error.status === 429 || error.status >= 500;
  return new JiraCommentError(
    transient ? CommentErrorName.JiraUnavailable : CommentErrorName.JiraRefused,
    `Jira answered ${error.status === 0 ? 'nothing (unreachable)' : error.status} for the comment on ${issueKey}`,
    error,
  );
};

/**
 * The final comment on the task's Jira issue (COMPLETED / ESCALATED / REJECTED).
 * A retry after a lost response finds its marker among the latest comments and
 * posts nothing; Jira errors are thrown (named) for the state machine to catch.
 */
export const commentOnIssue = async (
  deps: FinalCommentDeps,
  input: CommentOnIssueEvent,
): Promise<CommentOnIssueResult> => {
  const task = await deps.tasks.get(input.taskId);
  if (task === undefined)
    throw new JiraCommentError(
      CommentErrorName.TaskNotFound,
      `commentOnIssue: task ${input.taskId} does not exist`,
    );
  if (task.source !== TaskSource.Jira) return { status: 'skipped', reason: `task source is ${task.source}` };
  let issueKey: string;
  try {
    issueKey = checkIssueKey(deps, task.externalKey);
  } catch (error) {
    // A project outside JIRA_ALLOWED_PROJECTS is configuration, not a failure: the agents may not write there.
    if (error instanceof ActionError && error.statusCode === 403)
      return { status: 'skipped', reason: error.message };
    throw new JiraCommentError(
      CommentErrorName.InvalidPayload,
      `commentOnIssue: task ${task.taskId} has no valid Jira key`,
      error,
    );
  }
  if (input.issueKey !== undefined && input.issueKey.trim().toUpperCase() !== issueKey) {
    throw new JiraCommentError(
      CommentErrorName.InvalidPayload,
      `commentOnIssue: issueKey ${input.issueKey.slice(0, 60)} is not the task's issue ${issueKey}`,
    );
  }
  const marker = commentMarker(task.taskId, input.runId, input.kind);
  try {
    const { comments } = await deps.jira.latestComments(issueKey, MARKER_SCAN);
    const earlier = comments.find((c) => adfToText(c.body).includes(marker));
    if (earlier !== undefined) return { status: 'exists', issueKey, commentId: earlier.id };
    const prUrl = input.prUrl ?? task.prUrl;
    const reason = input.reason ?? task.statusReason;
    const body = finalCommentBody({
      kind: input.kind,
      marker,
      ...(prUrl === undefined ? {} : { prUrl }),
      ...(reason === undefined ? {} : { reason }),
      ...(input.summary === undefined ? {} : { summary: input.summary }),
    });
    const comment = await deps.jira.addComment(issueKey, body);
    await deps.audit.append(task.taskId, {
      type: 'jira.write',
      message: `commented on ${issueKey}: run ${input.runId} ${input.kind}`,
      data: {
        operation: 'commentOnIssue',
        issueKey,
        commentId: comment.id,
        runId: input.runId,
        kind: input.kind,
      },
    });
    return { status: 'posted', issueKey, commentId: comment.id };
  } catch (error) {
    throw asCommentError(error, issueKey);
  }
};
