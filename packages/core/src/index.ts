export { EventBridgePublisher } from './adapters/event-bridge';
export { StepFunctionsAdapter } from './adapters/step-functions';
export {
  type ActionContext,
  ActionError,
  type ActionGroupEvent,
  type ActionGroupOptions,
  type ActionGroupResponse,
  createActionGroupHandler,
  fitResponse,
  isActionGroupEvent,
  listSchemaOperations,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiSchemaObject,
  type OperationHandler,
  type SchemaOperation,
} from './bedrock/action-group';
export { type Env, EnvReader } from './config/env';
export {
  type EnumRule,
  type ListRule,
  LOG_LEVELS,
  type LogLevel,
  type NumberRule,
  readBranchPrefix,
  readGitHubApiUrl,
  readGitHubOrg,
  readJiraAllowedProjects,
  readJiraBaseUrl,
  readLogLevel,
  readMaxFixAttempts,
  readOptionalGitHubOrg,
  readOptionalJiraBaseUrl,
  readSecretsCacheSeconds,
  readSharedConfig,
  readTableName,
  SHARED_VARIABLES,
  type SharedConfig,
  type SharedVariable,
  type SharedVariableRule,
  type StringRule,
} from './config/shared';
export {
  AgentName,
  DEFAULT_BRANCH_PREFIX,
  EVENT_SOURCE,
  EventDetailType,
  isTerminalStatus,
  RunKind,
  TaskSource,
  TaskStatus,
  TERMINAL_STATUSES,
} from './constants';
export { type Approval, ApprovalDecision, ApprovalStore, type DecideResult } from './db/approval-store';
export { type CiWait, CiWaitStore } from './db/ci-wait-store';
export {
  createDocumentClient,
  type DocumentClient,
  isConditionalCheckFailed,
  type TableRef,
} from './db/client';
export {
  ConversationConflictError,
  ConversationStore,
  MAX_STORED_MESSAGE_BYTES,
  type StoredMessage,
} from './db/conversation-store';
export { type CostEntry, CostStore, type DailyCost } from './db/cost-store';
export { DeliveryStore } from './db/delivery-store';
export { GSI1, Keys, TTL_ATTRIBUTE, tableDefinition } from './db/table';
export {
  type CreateTaskResult,
  InvalidTransitionError,
  type NewTask,
  type TaskPatch,
  TaskRepository,
} from './db/task-repository';
export { type SlackThread, ThreadStore } from './db/thread-store';
export { type NewTimelineEvent, TimelineRepository } from './db/timeline-repository';
export {
  canTransition,
  type StackFrame,
  TASK_TRANSITIONS,
  type Task,
  type TaskContext,
  type TimelineEvent,
} from './domain/task';
export {
  AppError,
  BadRequestError,
  BudgetExceededError,
  ConfigError,
  ConflictError,
  ForbiddenError,
  HttpError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  toError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from './errors';
export {
  type CiDecision,
  type CiResult,
  CiState,
  decideCi,
  type FailedJob,
  type WorkflowRunSummary,
} from './github/ci-status';
export {
  callGitHub,
  createGitHubClient,
  type GitHubAuth,
  type GitHubClient,
  type GitHubClientLoaderOptions,
  type GitHubClientOptions,
  type GitHubClientSource,
  githubClientLoader,
  resolveGitHubClient,
  retryDelayMs,
  splitRepo,
} from './github/client';
export {
  type CiGitHubPort,
  canWrite,
  formatReviewComment,
  formatReviewComments,
  type GitHubPort,
  OctokitGitHub,
  type RepoPermission,
} from './github/github-port';
export { parseGitHubSecret } from './github/secret';
export {
  assertBodySize,
  assertJsonContentType,
  errorResponse,
  type HttpEvent,
  type HttpResult,
  header,
  jsonResponse,
  parseForm,
  parseJson,
  parseJsonObject,
  rawBody,
  routeOf,
} from './http/api-gateway';
export {
  type JsonClientOptions,
  JsonHttpClient,
  type JsonRequest,
  type JsonResponse,
  parseRetryAfter,
  UpstreamError,
} from './http/json-client';
export { type AdfNode, adfToText, textToAdf, textWithLinks } from './jira/adf';
export {
  type ActionPayload,
  dispatchEvent,
  type EventRoutes,
  isActionPayload,
  isHttpEvent,
} from './lambda/dispatch';
export { type LambdaHandler, type LazyHandlerOptions, lazyHandler } from './lambda/lazy-handler';
export { lambdaSecretStore, secretLoader } from './lambda/secrets';
export { guardUpstream, mapUpstreamError, type UpstreamRefusals } from './lambda/upstream-errors';
export { createLogger, type Logger, REDACT_PATHS, withCorrelation } from './logging/logger';
export { type Clock, FixedClock, systemClock } from './ports/clock';
export type {
  EventPublisherPort,
  ExecutionControlPort,
  TaskCallbackPort,
  TaskRequestedEvent,
} from './ports/workflow';
export { EnvSecretStore, type SecretStore, SecretsManagerStore } from './secrets/secret-store';
export { GITHUB_SIGNATURE_HEADER, verifyGitHubSignature } from './signatures/github';
export { hmacSha256Hex, safeEqual, type VerifyResult } from './signatures/hmac';
export { JIRA_SIGNATURE_HEADER, verifyJiraSignature } from './signatures/jira';
export { SENTRY_SIGNATURE_HEADER, verifySentrySignature } from './signatures/sentry';
export {
  SLACK_MAX_SKEW_SECONDS,
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  type SlackVerifyInput,
  signSlackRequest,
  verifySlackSignature,
} from './signatures/slack';
export { clip } from './util/clip';
export { isPlainObject } from './util/is-plain-object';
export {
  type ApprovalDeps,
  type DecisionOutcome,
  decideApproval,
  REJECTED_ERROR,
} from './workflow/approvals';
export { type CiResolution, type CiWaitDeps, resolveCiWaits } from './workflow/ci-waits';
export {
  compilePayloadValidator,
  EXPECTED_KEYWORD,
  type PayloadParser,
  type PayloadValidatorOptions,
} from './workflow/payload-schema';
export {
  type RerunOutcome,
  rerunTask,
  type StartOutcome,
  type StopOutcome,
  startTask,
  stopTask,
  type TaskFlowDeps,
} from './workflow/tasks';
