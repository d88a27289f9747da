import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  ConversationStore,
  CostStore,
  createDocumentClient,
  type TableRef,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { ConfigError } from '@enterprise-agents/core/errors';
import { lazyHandler } from '@enterprise-agents/core/lambda';
import { createLogger, type Logger } from '@enterprise-agents/core/logging';
import { lambdaSecretStore, secretLoader } from '@enterprise-agents/core/secrets';
import { AnthropicModel } from './adapters/anthropic-model';
import { AgentsClassicRuntime } from './adapters/bedrock-runtime';
import { lambdaActionGroups } from './adapters/lambda-action-groups';
import { AgentRuntimeKind, type InvokerConfig, ModelProvider, readConfig } from './config';
import { createHandler, type InvocationContext } from './create-handler';
import { AGENT_INSTRUCTIONS } from './domain/instructions';
import { LoopAgentRuntime } from './domain/loop-runtime';
import type { ModelPort } from './domain/model';
import type { AgentRuntime } from './domain/ports';
import { bedrockModel } from './models';

type Handler = ReturnType<typeof createHandler>;

const modelPort = (config: InvokerConfig): ModelPort => {
  if (config.provider === ModelProvider.Anthropic) {
    const secretArn = config.anthropicSecretArn;
    if (secretArn === undefined)
      throw new ConfigError('ANTHROPIC_SECRET_ARN is required with MODEL_PROVIDER=anthropic');
    return new AnthropicModel({
      apiKey: secretLoader(lambdaSecretStore(config), secretArn, ({ apiKey }) => {
        if (typeof apiKey !== 'string' || apiKey === '')
          throw new ConfigError(`secret ${secretArn} needs {"apiKey": "..."}`);
        return apiKey;
      }),
    });
  }
  return bedrockModel();
};

const agentRuntime = (
  config: InvokerConfig,
  table: TableRef,
  timeline: TimelineRepository,
  logger: Logger,
): AgentRuntime => {
  switch (config.runtime) {
    case AgentRuntimeKind.AgentsClassic:
      if (config.agents === undefined)
        throw new ConfigError('AGENTS is required with AGENT_RUNTIME=agents-classic');
      return new AgentsClassicRuntime(
        new BedrockAgentRuntimeClient({ maxAttempts: 3 }),
        config.agents,
        config.models,
      );
    case AgentRuntimeKind.Converse:
      if (config.actionGroupFunctions === undefined)
        throw new ConfigError('ACTION_GROUP_FUNCTIONS is required with AGENT_RUNTIME=converse');
      return new LoopAgentRuntime({
        name: `converse:${config.provider}`,
        model: modelPort(config),
        conversations: new ConversationStore(table),
        actionGroups: lambdaActionGroups(new LambdaClient({ maxAttempts: 3 }), config.actionGroupFunctions),
        timeline,
        logger,
        limits: config.limits,
        models: config.models,
        prices: config.prices,
        instructions: AGENT_INSTRUCTIONS,
      });
    default:
      throw new ConfigError(
        'AGENT_RUNTIME=scripted runs only inside the local runner (packages/local), which wires the scripted model in process',
      );
  }
};

/**
 * Lambda entry point (Step Functions lambda:invoke), built on the first invocation (core's
 * lazyHandler: importing the bundle never throws, and a failed build, such as a ConfigError,
 * is not cached: the next invocation reads the configuration again). The Lambda context goes
 * on to the handler, which reads the time left before the deadline.
 */
export const handler: (event: unknown, context?: InvocationContext) => Promise<unknown> = lazyHandler(
  (): Handler => {
    const config = readConfig();
    const table = { client: createDocumentClient(), tableName: config.tableName };
    const logger = createLogger({ service: 'agent-invoker', level: config.logLevel });
    const timeline = new TimelineRepository(table);
    return createHandler({
      tasks: new TaskRepository(table),
      timeline,
      costs: new CostStore(table),
      runtime: agentRuntime(config, table, timeline, logger),
      logger,
      config,
    });
  },
);
