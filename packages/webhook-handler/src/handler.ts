import {
  ApprovalStore,
  CiWaitStore,
  createDocumentClient,
  createLogger,
  DeliveryStore,
  EnvReader,
  EnvSecretStore,
  EventBridgePublisher,
  errorResponse,
  type HttpEvent,
  type HttpResult,
  jsonResponse,
  type SecretStore,
  SecretsManagerStore,
  StepFunctionsAdapter,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core';
import { LazyGitHub } from './adapters/github';
import { SecretStoreWebhookSecrets } from './adapters/webhook-secrets';
import { readWebhookConfig } from './config';
import { createHandler, type WebhookHandler } from './create-handler';

const logger = createLogger({ service: 'webhook-handler' });

/** Production wiring from the environment (docs/contracts.md), read once per container. */
const build = (): WebhookHandler => {
  const env = new EnvReader(process.env);
  const table = { client: createDocumentClient(), tableName: env.string('TABLE_NAME') };
  const cacheMs = env.int('SECRETS_CACHE_SECONDS', 300, { min: 0 }) * 1000;
  const store: SecretStore = env.bool('LOCAL_SECRETS')
    ? new EnvSecretStore(process.env)
    : new SecretsManagerStore({}, cacheMs);
  const stepFunctions = new StepFunctionsAdapter();
  const githubApiUrl = env.optionalString('GITHUB_API_URL');
  return createHandler({
    config: readWebhookConfig(env),
    secrets: new SecretStoreWebhookSecrets(
      store,
      env.string('WEBHOOK_SECRET_ARN'),
      env.string('SENTRY_SECRET_ARN'),
    ),
    deliveries: new DeliveryStore(table),
    tasks: new TaskRepository(table),
    timeline: new TimelineRepository(table),
    approvals: new ApprovalStore(table),
    ciWaits: new CiWaitStore(table),
    publisher: new EventBridgePublisher(env.string('EVENT_BUS_NAME')),
    callback: stepFunctions,
    executions: stepFunctions,
    github: new LazyGitHub({
      store,
      secretId: env.string('GITHUB_SECRET_ARN'),
      ...(githubApiUrl === undefined ? {} : { baseUrl: githubApiUrl }),
      logger,
    }),
    logger,
  });
};

let instance: WebhookHandler | undefined;

/**
 * The Lambda entry point. Dependencies are built on the first invocation, not at
 * import, so loading the bundle never throws; a configuration error is logged
 * and answered with a generic 500 until the environment is fixed.
 */
export const handler = async (event: HttpEvent): Promise<HttpResult> => {
  if (instance === undefined) {
    try {
      instance = build();
    } catch (error) {
      // A health check must not report a container that cannot serve webhooks as healthy.
      if (event.rawPath === '/health') {
        logger.error({ err: error }, 'webhook handler is not configured');
        return jsonResponse(503, { status: 'unavailable', error: 'configuration error; see the logs' });
      }
      return errorResponse(error, logger);
    }
  }
  return instance(event);
};
