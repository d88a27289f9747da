import { type RunKind, type TaskSource, TaskStatus } from './constants';

const {
  Queued,
  Discovering,
  Planning,
  AwaitingApproval,
  Executing,
  AwaitingCi,
  Fixing,
  Completed,
  Rejected,
  Escalated,
  Cancelled,
  Failed,
} = TaskStatus;

/** Every active status may end the run: finished, rejected, escalated, stopped, failed. */
const ENDS = [Completed, Rejected, Escalated, Cancelled, Failed] as const;

/** The status a task is created in (and a new run starts from). */
export const INITIAL_TASK_STATUS = Queued;

/**
 * The allowed status transitions, from → to (docs/contracts.md, "Task statuses"),
 * enforced by TaskRepository before it writes. A run only moves forward through
 * DISCOVERING → PLANNING → AWAITING_APPROVAL → EXECUTING → AWAITING_CI, and may
 * skip ahead (a fix or revise run is claimed straight into EXECUTING, an
 * `/agent fix` run goes EXECUTING → FIXING); the one way back is the CI loop,
 * FIXING → AWAITING_CI. A status may be written again (a retried or continued
 * step). Any active status may end; an ended task only gets a new run (QUEUED).
 */
export const TASK_TRANSITIONS = {
  [Queued]: [Discovering, Planning, AwaitingApproval, Executing, AwaitingCi, Fixing, ...ENDS],
  [Discovering]: [Discovering, Planning, AwaitingApproval, Executing, AwaitingCi, Fixing, ...ENDS],
  [Planning]: [Planning, AwaitingApproval, Executing, AwaitingCi, Fixing, ...ENDS],
  [AwaitingApproval]: [AwaitingApproval, Executing, AwaitingCi, Fixing, ...ENDS],
  [Executing]: [Executing, AwaitingCi, Fixing, ...ENDS],
  [AwaitingCi]: [AwaitingCi, Fixing, ...ENDS],
  [Fixing]: [Fixing, AwaitingCi, ...ENDS],
  [Completed]: [Queued],
  [Rejected]: [Queued],
  [Escalated]: [Queued],
  [Cancelled]: [Queued],
  [Failed]: [Queued],
} as const satisfies Record<TaskStatus, readonly TaskStatus[]>;

/**
 * Whether the table allows moving a task from `from` to `to`.
 *
 * @param from the task's status now
 * @param to the status to write
 * @returns true when TASK_TRANSITIONS lists `to` under `from`
 * @example
 * canTransition(TaskStatus.Fixing, TaskStatus.AwaitingCi); // true: the CI loop
 * canTransition(TaskStatus.Executing, TaskStatus.Planning); // false: a run never goes back
 */
export const canTransition = (from: TaskStatus, to: TaskStatus): boolean =>
  (TASK_TRANSITIONS[from] as readonly TaskStatus[]).includes(to);

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
