import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import {
  ConfigError,
  CostStore,
  createDocumentClient,
  createLogger,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core';
import { BedrockAgentRuntime } from './adapters/bedrock-runtime';
import { AgentRuntimeKind, readConfig } from './config';
import { createHandler } from './create-handler';

type Handler = ReturnType<typeof createHandler>;
let built: Handler | undefined;

// Built on the first invocation (once per container) so importing the bundle never throws.
const build = (): Handler => {
  const config = readConfig();
  if (config.runtime !== AgentRuntimeKind.Bedrock || config.agents === undefined)
    throw new ConfigError(
      'AGENT_RUNTIME=scripted runs only inside the local runner (packages/local), which wires the action groups in process',
    );
  const table = { client: createDocumentClient(), tableName: config.tableName };
  return createHandler({
    tasks: new TaskRepository(table),
    timeline: new TimelineRepository(table),
    costs: new CostStore(table),
    // The SDK's own retries absorb short throttling bursts; the state machine retries the rest.
    runtime: new BedrockAgentRuntime(new BedrockAgentRuntimeClient({ maxAttempts: 3 }), config.agents),
    logger: createLogger({ service: 'agent-invoker' }),
    config,
  });
};

/** Lambda entry point (Step Functions lambda:invoke). */
export const handler = async (event: unknown): Promise<unknown> => {
  built ??= build();
  return built(event);
};
