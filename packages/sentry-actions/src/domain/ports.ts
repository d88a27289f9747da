/** A Sentry issue as the REST API returns it (fields the tools read). */
export interface SentryIssue {
  id: string;
  shortId: string;
  title: string;
  culprit?: string;
  level?: string;
  status?: string;
  count?: string | number;
  userCount?: number;
  firstSeen?: string;
  lastSeen?: string;
  permalink?: string;
  platform?: string;
  project?: { slug?: string; name?: string };
  metadata?: Record<string, unknown>;
}

/** A Sentry event (fields the tools read); `entries` hold exception, message, breadcrumbs, request. */
export interface SentryEvent {
  eventID: string;
  title?: string;
  message?: string;
  platform?: string;
  dateCreated?: string;
  entries?: { type: string; data: unknown }[];
  tags?: { key: string; value: string }[];
  release?: { version?: string } | null;
}

/** The Sentry operations the tools need. Errors are core UpstreamErrors with Sentry's status. */
export interface SentryPort {
  listIssues(project: string, query: string, limit: number): Promise<SentryIssue[]>;
  getIssue(issueId: string): Promise<SentryIssue>;
  latestEvent(issueId: string): Promise<SentryEvent>;
}
