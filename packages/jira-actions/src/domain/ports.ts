import type { NewTimelineEvent } from '@enterprise-agents/core/db';
import type { Task } from '@enterprise-agents/core/domain';
import type { AdfNode } from '@enterprise-agents/core/jira';

/** An issue as Jira's REST v3 returns it (`fields` keyed by field id). */
export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  /** Field id → display name (`expand=names`). */
  names?: Record<string, string>;
}

export interface JiraComment {
  id: string;
  author?: { displayName?: string; accountId?: string };
  body: unknown;
  created: string;
}

export interface JiraTransition {
  id: string;
  name: string;
  to: { id: string; name: string };
}

/** The Jira Cloud operations the tools need. Errors are core UpstreamErrors with Jira's status. */
export interface JiraPort {
  /** Full issue with names of custom fields (for acceptance criteria). */
  getIssue(key: string): Promise<JiraIssue>;
  /** Newest first. */
  latestComments(key: string, max: number): Promise<{ total: number; comments: JiraComment[] }>;
  addComment(key: string, body: AdfNode): Promise<JiraComment>;
  transitions(key: string): Promise<JiraTransition[]>;
  transition(key: string, transitionId: string): Promise<void>;
}

/** Where writes are recorded (the task timeline). */
export interface AuditLog {
  append(taskId: string, event: NewTimelineEvent): Promise<unknown>;
}

/** Reads tasks (core TaskRepository): the final comment finds the issue key and PR on the task. */
export interface TaskReader {
  get(taskId: string): Promise<Task | undefined>;
}
