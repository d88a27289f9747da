import { AgentName, ConfigError, DEFAULT_BRANCH_PREFIX, type Env, EnvReader } from '@enterprise-agents/core';
import type { AgentIds } from './adapters/bedrock-runtime';
import { DEFAULT_MODEL_ID, type ModelPrice, resolveModelPrice } from './domain/pricing';

export const AgentRuntimeKind = {
  Bedrock: 'bedrock',
  Scripted: 'scripted',
} as const;
export type AgentRuntimeKind = (typeof AgentRuntimeKind)[keyof typeof AgentRuntimeKind];

/** Everything the invoker reads from its environment, once per container. */
export interface InvokerConfig {
  tableName: string;
  runtime: AgentRuntimeKind;
  agents: AgentIds | undefined;
  modelId: string;
  price: ModelPrice;
  taskBudgetUsd: number;
  dailyBudgetUsd: number;
  maxFixAttempts: number;
  branchPrefix: string;
  githubOrg: string | undefined;
}

const parseAgents = (value: unknown): AgentIds => {
  if (typeof value !== 'object' || value === null) throw new ConfigError('AGENTS must be a JSON object');
  const out: Partial<Record<AgentName, { agentId: string; aliasId: string }>> = {};
  for (const agent of Object.values(AgentName)) {
    const ids = (value as Record<string, unknown>)[agent] as
      | { agentId?: unknown; aliasId?: unknown }
      | undefined;
    if (
      typeof ids?.agentId !== 'string' ||
      ids.agentId === '' ||
      typeof ids.aliasId !== 'string' ||
      ids.aliasId === ''
    )
      throw new ConfigError(`AGENTS.${agent} needs agentId and aliasId`);
    out[agent] = { agentId: ids.agentId, aliasId: ids.aliasId };
  }
  return out as AgentIds;
};

/** Reads and checks the configuration; throws ConfigError naming the bad variable. */
export const readConfig = (env?: Env): InvokerConfig => {
  const read = new EnvReader(env);
  const runtime = read.oneOf('AGENT_RUNTIME', Object.values(AgentRuntimeKind), AgentRuntimeKind.Bedrock);
  const modelId = read.string('MODEL_ID', DEFAULT_MODEL_ID);
  const taskBudgetUsd = read.number('TASK_BUDGET_USD', 10);
  const dailyBudgetUsd = read.number('DAILY_BUDGET_USD', 100);
  if (taskBudgetUsd <= 0 || dailyBudgetUsd <= 0)
    throw new ConfigError('TASK_BUDGET_USD and DAILY_BUDGET_USD must be positive');
  return {
    tableName: read.string('TABLE_NAME'),
    runtime,
    agents:
      runtime === AgentRuntimeKind.Bedrock ? parseAgents(read.json<unknown>('AGENTS', undefined)) : undefined,
    modelId,
    price: resolveModelPrice(modelId, read.json<unknown>('MODEL_PRICES', undefined)),
    taskBudgetUsd,
    dailyBudgetUsd,
    maxFixAttempts: read.int('MAX_FIX_ATTEMPTS', 3, { min: 1, max: 10 }),
    branchPrefix: read.string('BRANCH_PREFIX', DEFAULT_BRANCH_PREFIX),
    githubOrg: read.optionalString('GITHUB_ORG'),
  };
};
