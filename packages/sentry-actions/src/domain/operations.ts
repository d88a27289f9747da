import { ActionError } from '@enterprise-agents/core/bedrock';
import type { SentryIssue, SentryPort } from './ports';
import { condenseExceptions, lastBreadcrumbs, requestSummary } from './stack-trace';

/** Dependencies of the Sentry tools. */
export interface SentryToolDeps {
  sentry: SentryPort;
}

const PROJECT_RE = /^[a-z0-9][a-z0-9_-]{0,99}$/i;
const ISSUE_RE = /^(?:\d{1,20}|[A-Za-z0-9][A-Za-z0-9_-]{0,80}-[A-Za-z0-9]+)$/;

const checkIssueId = (raw: string): string => {
  const id = raw.trim();
  if (!ISSUE_RE.test(id))
    throw new ActionError(
      400,
      `issueId must be a numeric id or a short id like BACKEND-42, got "${raw.slice(0, 60)}"`,
    );
  return id;
};

const issueView = (issue: SentryIssue) => ({
  id: issue.id,
  shortId: issue.shortId,
  title: issue.title,
  culprit: issue.culprit,
  level: issue.level,
  status: issue.status,
  count: issue.count === undefined ? undefined : Number(issue.count),
  userCount: issue.userCount,
  firstSeen: issue.firstSeen,
  lastSeen: issue.lastSeen,
  project: issue.project?.slug,
  url: issue.permalink,
});

/** Issues of a project, most recently seen first. */
export const listIssues = async (
  deps: SentryToolDeps,
  args: { project: string; query?: string; limit?: number },
) => {
  const project = args.project.trim();
  if (!PROJECT_RE.test(project))
    throw new ActionError(400, `project must be a Sentry project slug, got "${args.project.slice(0, 60)}"`);
  const query = (args.query ?? 'is:unresolved').slice(0, 200);
  const limit = args.limit ?? 20;
  const issues = await deps.sentry.listIssues(project, query, limit);
  return { project, query, count: issues.length, issues: issues.slice(0, limit).map(issueView) };
};

/** One issue. */
export const getIssue = async (deps: SentryToolDeps, args: { issueId: string }) => {
  const issue = await deps.sentry.getIssue(checkIssueId(args.issueId));
  return { ...issueView(issue), platform: issue.platform, metadata: issue.metadata };
};

/** The latest event with a condensed stack trace (in-app frames first), tags, release, breadcrumbs. */
export const getLatestEvent = async (deps: SentryToolDeps, args: { issueId: string; maxFrames?: number }) => {
  const event = await deps.sentry.latestEvent(checkIssueId(args.issueId));
  const tags = Object.fromEntries(
    (event.tags ?? []).slice(0, 30).map((t) => [t.key, String(t.value).slice(0, 200)]),
  );
  const message = (
    event.entries?.find((e) => e.type === 'message')?.data as { formatted?: string } | undefined
  )?.formatted;
  return {
    eventId: event.eventID,
    title: event.title,
    ...(message || event.message ? { message: (message ?? event.message ?? '').slice(0, 1000) } : {}),
    platform: event.platform,
    dateCreated: event.dateCreated,
    release: event.release?.version,
    environment: tags.environment,
    exceptions: condenseExceptions(event, args.maxFrames ?? 20),
    request: requestSummary(event),
    breadcrumbs: lastBreadcrumbs(event),
    tags,
  };
};
