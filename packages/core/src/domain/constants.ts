/** Where a task came from. */
export const TaskSource = {
  Jira: 'jira',
  Sentry: 'sentry',
  GitHub: 'github',
  Slack: 'slack',
} as const;
export type TaskSource = (typeof TaskSource)[keyof typeof TaskSource];

/**
 * Task lifecycle. A task is active until it reaches a terminal status; at most one
 * active task exists per external key (Jira issue, Sentry issue, PR).
 */
export const TaskStatus = {
  Queued: 'QUEUED',
  Discovering: 'DISCOVERING',
  Planning: 'PLANNING',
  AwaitingApproval: 'AWAITING_APPROVAL',
  Executing: 'EXECUTING',
  AwaitingCi: 'AWAITING_CI',
  Fixing: 'FIXING',
  Completed: 'COMPLETED',
  Rejected: 'REJECTED',
  Escalated: 'ESCALATED',
  Cancelled: 'CANCELLED',
  Failed: 'FAILED',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  TaskStatus.Completed,
  TaskStatus.Rejected,
  TaskStatus.Escalated,
  TaskStatus.Cancelled,
  TaskStatus.Failed,
];

export const isTerminalStatus = (status: TaskStatus): boolean => TERMINAL_STATUSES.includes(status);

/** Why a run of the workflow was started. */
export const RunKind = {
  New: 'new',
  Fix: 'fix',
  Revise: 'revise',
} as const;
export type RunKind = (typeof RunKind)[keyof typeof RunKind];

export const AgentName = {
  Discovery: 'discovery',
  Planning: 'planning',
  Execution: 'execution',
  Cicd: 'cicd',
} as const;
export type AgentName = (typeof AgentName)[keyof typeof AgentName];

/** EventBridge contract between the webhook/Slack handlers and the state machine rule. */
export const EVENT_SOURCE = 'enterprise-agents';
export const EventDetailType = {
  TaskRequested: 'TaskRequested',
} as const;

export const DEFAULT_BRANCH_PREFIX = 'agent/';
