import { EnvReader } from '@enterprise-agents/core/config';
import {
  ApprovalStore,
  CiWaitStore,
  createDocumentClient,
  DeliveryStore,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { githubClientLoader, OctokitGitHub } from '@enterprise-agents/core/github';
import { errorResponse, type HttpEvent, type HttpResult, jsonResponse } from '@enterprise-agents/core/http';
import { lazyHandler } from '@enterprise-agents/core/lambda';
import { createLogger } from '@enterprise-agents/core/logging';
import { EnvSecretStore, lambdaSecretStore, type SecretStore } from '@enterprise-agents/core/secrets';
import { EventBridgePublisher, StepFunctionsAdapter } from '@enterprise-agents/core/workflow';
import { SecretStoreWebhookSecrets } from './adapters/webhook-secrets';
import { readConfig } from './config';
import { createHandler } from './create-handler';

const SERVICE = 'webhook-handler';

/**
 * The Lambda entry point: production wiring from the environment (docs/contracts.md), built on
 * the first invocation (core's lazyHandler). A configuration error is logged and answered with a
 * generic 500 (503 on /health) until the environment is fixed.
 */
export const handler: (event: HttpEvent) => Promise<HttpResult> = lazyHandler(
  () => {
    const config = readConfig(new EnvReader(process.env));
    const logger = createLogger({ service: SERVICE, level: config.logLevel });
    const table = { client: createDocumentClient(), tableName: config.tableName };
    const store: SecretStore = config.localSecrets
      ? new EnvSecretStore(process.env)
      : lambdaSecretStore(config);
    const stepFunctions = new StepFunctionsAdapter();
    return createHandler({
      config: config.webhook,
      secrets: new SecretStoreWebhookSecrets(store, config.webhookSecretArn, config.sentrySecretArn),
      deliveries: new DeliveryStore(table),
      tasks: new TaskRepository(table),
      timeline: new TimelineRepository(table),
      approvals: new ApprovalStore(table),
      ciWaits: new CiWaitStore(table),
      publisher: new EventBridgePublisher(config.eventBusName),
      callback: stepFunctions,
      executions: stepFunctions,
      // Jira and Sentry deliveries never read the GitHub secret; retries stay well inside
      // GitHub's 10 s delivery budget.
      github: new OctokitGitHub(
        githubClientLoader({
          store,
          secretId: config.githubSecretArn,
          baseUrl: config.githubApiUrl,
          logger,
          maxRetryDelayMs: 2_000,
          maxRetries: 2,
        }),
      ),
      logger,
    });
  },
  {
    onBuildError: (error, event) => {
      // LOG_LEVEL may be what is wrong: this one line is always written.
      const logger = createLogger({ service: SERVICE, level: 'info' });
      // A health check must not report a container that cannot serve webhooks as healthy.
      if (event.rawPath === '/health') {
        logger.error({ err: error }, 'webhook handler is not configured');
        return jsonResponse(503, { status: 'unavailable', error: 'configuration error; see the logs' });
      }
      return errorResponse(error, logger);
    },
  },
);
