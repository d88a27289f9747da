import type { RunKind, TaskSource, TaskStatus } from '../constants';

/** One frame of a condensed stack trace (Sentry). */
export interface StackFrame {
  filename: string;
  function?: string;
  lineno?: number;
  module?: string;
  contextLine?: string;
  inApp: boolean;
}

/** What the ticket / error / command says: untrusted text handed to the agents as data. */
export interface TaskContext {
  /** Jira issue key, Sentry short id, or `owner/repo#123`. */
  key: string;
  title: string;
  description?: string;
  url?: string;
  labels?: string[];
  /** Sentry: issue id, culprit, level, top in-app frames. */
  sentry?: {
    issueId: string;
    shortId?: string;
    culprit?: string;
    level?: string;
    projectSlug?: string;
    frames: StackFrame[];
  };
  /** Jira: project key, issue type, reporter. */
  jira?: { projectKey?: string; issueType?: string; reporter?: string };
  /** A GitHub command or review: who, and the feedback text. */
  feedback?: { author: string; text: string; reviewComments?: string[] };
}

export interface Task {
  taskId: string;
  source: TaskSource;
  /** The external identity used for "one active task" (Jira key, Sentry issue id, repo#pr). */
  externalKey: string;
  title: string;
  status: TaskStatus;
  context: TaskContext;
  /** Increments each time a new workflow run is requested for this task. */
  runId: number;
  runKind: RunKind;
  repo?: string;
  branch?: string;
  prNumber?: number;
  prUrl?: string;
  headSha?: string;
  baseBranch?: string;
  /** CI/CD agent runs in the current run. */
  attempts: number;
  costUsd: number;
  executionArn?: string;
  statusReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** A timeline (audit log) entry. */
export interface TimelineEvent {
  taskId: string;
  at: string;
  type: string;
  message: string;
  actor?: string;
  data?: Record<string, unknown>;
}
