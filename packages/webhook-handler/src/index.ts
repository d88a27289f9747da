export { SecretStoreWebhookSecrets } from './adapters/webhook-secrets';
export {
  DEFAULTS,
  readConfig,
  readWebhookConfig,
  type WebhookConfig,
  type WebhookLambdaConfig,
} from './config';
export { createHandler, type WebhookHandler, type WebhookHandlerDeps } from './create-handler';
export {
  AgentCommand,
  HELP_TEXT,
  isAgentComment,
  type ParsedCommand,
  parseAgentCommand,
} from './domain/commands';
export { decideGitHub, formatReviewComments, type GitHubWebhookConfig } from './domain/github';
export { decideJira, type JiraDecision, JiraEvent, type JiraTriggerConfig } from './domain/jira';
export { type DeliveryPlan, type Outcome, OutcomeStatus } from './domain/outcome';
export {
  type DeliveryLedger,
  type EffectDeps,
  type WebhookGitHubPort,
  type WebhookSecretsPort,
  WebhookSource,
} from './domain/ports';
export {
  decideSentry,
  levelRank,
  MAX_FRAMES,
  SENTRY_LEVELS,
  type SentryDecision,
  type SentryLevel,
  SentryResource,
  topFrames,
} from './domain/sentry';
