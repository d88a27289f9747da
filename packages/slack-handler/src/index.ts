export { InlineFollowUps } from './adapters/inline-follow-ups';
export { LambdaFollowUps } from './adapters/lambda-follow-ups';
export { DynamoNotificationLedger } from './adapters/notification-ledger';
export { FetchResponder, ResponseUrlError } from './adapters/response-url';
export { backoffMs, DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from './adapters/retry';
export { SlackWebApi, type SlackWebApiOptions } from './adapters/slack-web-api';
export {
  parseChannelMap,
  readConfig,
  readSettings,
  type SlackHandlerConfig,
  type SlackSettings,
} from './config';
export { createHandler, type SlackHandler, type SlackHandlerDeps } from './create-handler';
export {
  ActionId,
  approvalRequestMessage,
  type ButtonValue,
  decidedMessage,
  type PlanSummary,
  REJECT_VIEW_CALLBACK,
  type RequestApprovalInput,
  type RequestApprovalResult,
  requestApproval,
} from './domain/approvals';
export { ApproverPolicy, type Authorization } from './domain/approvers';
export { type AgentCommand, parseCommand } from './domain/commands';
export { type FollowUpResult, runFollowUp } from './domain/follow-ups';
export {
  type FailedJobRef,
  type NotifyInput,
  NotifyKind,
  type NotifyResult,
  notificationMessage,
  notify,
} from './domain/notifications';
export type {
  Block,
  FollowUpJob,
  FollowUpPort,
  FollowUpWork,
  NotificationLedgerPort,
  PostedMessage,
  ReplyTarget,
  ResponderPort,
  ResponseUrlMessage,
  SlackMessage,
  SlackPort,
} from './domain/ports';
export { channelFor, TaskThreads } from './domain/task-threads';
export { InvalidPayloadError } from './errors';
export { parseNotify, parseRequestApproval } from './payloads';
