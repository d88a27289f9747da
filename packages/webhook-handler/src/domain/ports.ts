import type {
  ApprovalStore,
  CiWaitStore,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import type { GitHubPort } from '@enterprise-agents/core/github';
import type { Logger } from '@enterprise-agents/core/logging';
import type {
  EventPublisherPort,
  ExecutionControlPort,
  TaskCallbackPort,
} from '@enterprise-agents/core/workflow';

/** The webhook senders, as named in the routes and the dedupe keys. */
export const WebhookSource = {
  GitHub: 'github',
  Jira: 'jira',
  Sentry: 'sentry',
} as const;
export type WebhookSource = (typeof WebhookSource)[keyof typeof WebhookSource];

/** HMAC secrets per sender; several during a rotation. */
export interface WebhookSecretsPort {
  secretsFor(source: WebhookSource): Promise<string[]>;
}

/** Delivery dedupe (core DeliveryStore): claim once, give back when our side failed. */
export interface DeliveryLedger {
  claim(source: string, deliveryId: string, meta?: Record<string, unknown>): Promise<boolean>;
  /** The delivery was processed; later copies are duplicates. */
  complete(source: string, deliveryId: string): Promise<void>;
  release(source: string, deliveryId: string): Promise<void>;
}

/** The part of core's GitHub port this handler uses: command permissions, replies, CI status, reviews. */
export type WebhookGitHubPort = Pick<
  GitHubPort,
  'permissionOf' | 'commentOnIssue' | 'workflowRunsForCommit' | 'failedJobs' | 'reviewComments'
>;

/** Everything the domain writes to or calls, injected so tests run against dynalite and fakes. */
export interface EffectDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
  approvals: ApprovalStore;
  ciWaits: CiWaitStore;
  publisher: EventPublisherPort;
  callback: TaskCallbackPort;
  executions: ExecutionControlPort;
  github: WebhookGitHubPort;
  logger: Logger;
}
