import {
  ApprovalStore,
  CostStore,
  createDocumentClient,
  createLogger,
  EnvReader,
  EventBridgePublisher,
  SecretsManagerStore,
  StepFunctionsAdapter,
  TaskRepository,
  ThreadStore,
  TimelineRepository,
} from '@enterprise-agents/core';
import { LambdaFollowUps } from './adapters/lambda-follow-ups';
import { DynamoNotificationLedger } from './adapters/notification-ledger';
import { FetchResponder } from './adapters/response-url';
import { SlackWebApi } from './adapters/slack-web-api';
import { readConfig } from './config';
import { createHandler, type SlackHandler } from './create-handler';

interface SlackSecret extends Record<string, unknown> {
  botToken?: unknown;
  signingSecret?: unknown;
}

/** Production wiring from the environment; runs once per container, on the first invocation. */
const build = (): SlackHandler => {
  const env = new EnvReader();
  const config = readConfig(env);
  const logger = createLogger({ service: 'slack-handler' });
  const secrets = new SecretsManagerStore({}, config.secretsCacheSeconds * 1000);
  const secretField = async (field: 'botToken' | 'signingSecret'): Promise<string> => {
    const value = (await secrets.getJson<SlackSecret>(config.slackSecretArn))[field];
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
};

let instance: SlackHandler | undefined;

/**
 * The Lambda entry point. Dependencies are built on the first invocation, not at
 * import, so loading the bundle never throws; a configuration error surfaces as
 * a clear ConfigError on the first call.
 */
export const handler = async (event: unknown): Promise<unknown> => {
  instance ??= build();
  return instance(event);
};
