import { EnvReader } from '@enterprise-agents/core/config';
import {
  ApprovalStore,
  CostStore,
  createDocumentClient,
  TaskRepository,
  ThreadStore,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { lazyHandler } from '@enterprise-agents/core/lambda';
import { createLogger } from '@enterprise-agents/core/logging';
import { lambdaSecretStore, secretLoader } from '@enterprise-agents/core/secrets';
import { EventBridgePublisher, StepFunctionsAdapter } from '@enterprise-agents/core/workflow';
import { LambdaFollowUps } from './adapters/lambda-follow-ups';
import { DynamoNotificationLedger } from './adapters/notification-ledger';
import { FetchResponder } from './adapters/response-url';
import { SlackWebApi } from './adapters/slack-web-api';
import { readConfig } from './config';
import { createHandler, type SlackHandler } from './create-handler';

/**
 * The Lambda entry point (API Gateway, Step Functions tasks and its own follow-ups): production
 * wiring from the environment, built on the first invocation (core's lazyHandler), so loading the
 * bundle never throws and a configuration error surfaces as a clear ConfigError on the first call.
 */
export const handler: SlackHandler = lazyHandler((): SlackHandler => {
  const config = readConfig(new EnvReader());
  const logger = createLogger({ service: 'slack-handler', level: config.logLevel });
  const secret = secretLoader(lambdaSecretStore(config), config.slackSecretArn, (value) => value);
  const secretField = async (field: 'botToken' | 'signingSecret'): Promise<string> => {
    const value = (await secret())[field];
    if (typeof value !== 'string' || value === '')
      throw new Error(`secret ${config.slackSecretArn} has no "${field}" string`);
    return value;
  };
  const table = { client: createDocumentClient(), tableName: config.tableName };
  const stepFunctions = new StepFunctionsAdapter();
  return createHandler({
    tasks: new TaskRepository(table),
    timeline: new TimelineRepository(table),
    approvals: new ApprovalStore(table),
    threadStore: new ThreadStore(table),
    costs: new CostStore(table),
    ledger: new DynamoNotificationLedger(table),
    callback: stepFunctions,
    executions: stepFunctions,
    publisher: new EventBridgePublisher(config.eventBusName),
    slack: new SlackWebApi({ token: () => secretField('botToken'), slackApiUrl: config.slackApiUrl, logger }),
    responder: new FetchResponder(),
    followUps: new LambdaFollowUps(config.selfFunctionName),
    signingSecret: () => secretField('signingSecret'),
    settings: config.settings,
    logger,
  });
});
