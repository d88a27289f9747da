import {
  type Env,
  EnvReader,
  readBranchPrefix,
  readMaxFixAttempts,
  readOptionalGitHubOrg,
  readSharedConfig,
  readTableName,
  type SharedConfig,
} from '@enterprise-agents/core/config';
import { AgentName } from '@enterprise-agents/core/domain';
import { ConfigError } from '@enterprise-agents/core/errors';
import { isPlainObject } from '@enterprise-agents/core/util';
import type { AgentIds } from './adapters/bedrock-runtime';
import type { LoopLimits } from './domain/agent-loop';
import { DEFAULT_COMPACT_AT } from './domain/agent-loop';
import {
  DEFAULT_AGENT_MODELS,
  DEFAULT_ANTHROPIC_AGENT_MODELS,
  type ModelPrices,
  readModelPrices,
  resolveModelPrice,
} from './domain/pricing';
import { ActionGroup } from './domain/tools';

/** Where the agents run (Terraform `agent_runtime`). */
export const AgentRuntimeKind = {
  /** Our own loop on a model API: every account. */
  Converse: 'converse',
  /** Bedrock Agents Classic: only accounts that already use it. */
  AgentsClassic: 'agents-classic',
  /** The scripted model: only the local runner and the tests wire it. */
  Scripted: 'scripted',
} as const;
export type AgentRuntimeKind = (typeof AgentRuntimeKind)[keyof typeof AgentRuntimeKind];

/** Which model API the loop calls (Terraform `model_provider`). */
export const ModelProvider = {
  Bedrock: 'bedrock',
  Anthropic: 'anthropic',
} as const;
export type ModelProvider = (typeof ModelProvider)[keyof typeof ModelProvider];

/** Everything the invoker reads from its environment, once per container. */
export interface InvokerConfig extends SharedConfig {
  tableName: string;
  runtime: AgentRuntimeKind;
  provider: ModelProvider;
  /** Model (or inference profile) of each agent. */
  models: Readonly<Record<AgentName, string>>;
  prices: ModelPrices;
  /** Agents Classic only. */
  agents: AgentIds | undefined;
  /** Converse only: the Lambda function of each action group. */
  actionGroupFunctions: Readonly<Record<ActionGroup, string>> | undefined;
  /** MODEL_PROVIDER=anthropic only. */
  anthropicSecretArn: string | undefined;
  limits: LoopLimits;
  taskBudgetUsd: number;
  dailyBudgetUsd: number;
  maxFixAttempts: number;
  branchPrefix: string;
  githubOrg: string | undefined;
}

const parseAgents = (value: unknown): AgentIds => {
  if (!isPlainObject(value)) throw new ConfigError('AGENTS must be a JSON object');
  const out: Partial<Record<AgentName, { agentId: string; aliasId: string }>> = {};
  for (const agent of Object.values(AgentName)) {
    const ids = value[agent] as { agentId?: unknown; aliasId?: unknown } | undefined;
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

const parseModels = (
  value: unknown,
  defaults: Readonly<Record<AgentName, string>>,
): Record<AgentName, string> => {
  if (value === undefined) return { ...defaults };
  if (!isPlainObject(value))
    throw new ConfigError('AGENT_MODELS must be a JSON object {"<agent>": "<model id>"}');
  const unknown = Object.keys(value).filter((key) => !(Object.values(AgentName) as string[]).includes(key));
  if (unknown.length > 0)
    throw new ConfigError(
      `AGENT_MODELS has unknown agents: ${unknown.join(', ')} (agents: ${Object.values(AgentName).join(', ')})`,
    );
  const out = { ...defaults };
  for (const agent of Object.values(AgentName)) {
    const model = value[agent];
    if (model === undefined) continue;
    if (typeof model !== 'string' || !/^[A-Za-z0-9._:/-]{1,200}$/.test(model))
      throw new ConfigError(`AGENT_MODELS.${agent} must be a model or inference profile id`);
    out[agent] = model;
  }
  return out;
};

const parseFunctions = (value: unknown): Record<ActionGroup, string> => {
  if (!isPlainObject(value))
    throw new ConfigError(
      `ACTION_GROUP_FUNCTIONS must be a JSON object {"${Object.values(ActionGroup).join('", "')}": "<function ARN or name>"}`,
    );
  const out: Partial<Record<ActionGroup, string>> = {};
  for (const group of Object.values(ActionGroup)) {
    const fn = value[group];
    if (typeof fn !== 'string' || fn === '')
      throw new ConfigError(`ACTION_GROUP_FUNCTIONS.${group} needs the function ARN of its action group`);
    out[group] = fn;
  }
  return out as Record<ActionGroup, string>;
};

/** The model settings of the loop, shared by the Lambda and the local stack (one set of rules). */
export interface ModelSettings {
  provider: ModelProvider;
  models: Readonly<Record<AgentName, string>>;
  prices: ModelPrices;
  limits: LoopLimits;
}

/** MODEL_PROVIDER, AGENT_MODELS, MODEL_PRICES and the loop limits; every configured model must be priced. */
export const readModelSettings = (env?: Env): ModelSettings => {
  const read = new EnvReader(env);
  const provider = read.oneOf('MODEL_PROVIDER', Object.values(ModelProvider), ModelProvider.Bedrock);
  const models = parseModels(
    read.json<unknown>('AGENT_MODELS', undefined),
    provider === ModelProvider.Anthropic ? DEFAULT_ANTHROPIC_AGENT_MODELS : DEFAULT_AGENT_MODELS,
  );
  const prices = readModelPrices(read.json<unknown>('MODEL_PRICES', undefined));
  for (const model of new Set(Object.values(models))) resolveModelPrice(model, prices);
  return {
    provider,
    models,
    prices,
    limits: {
      maxTurns: read.int('AGENT_MAX_TURNS', 50, { min: 1, max: 500 }),
      maxOutputTokens: read.int('AGENT_MAX_OUTPUT_TOKENS', 16_000, { min: 1_024, max: 128_000 }),
      reserveMs: read.int('AGENT_DEADLINE_RESERVE_SECONDS', 120, { min: 10, max: 600 }) * 1000,
      compactAt: DEFAULT_COMPACT_AT,
    },
  };
};

/** TASK_BUDGET_USD and DAILY_BUDGET_USD: positive USD amounts. */
export const readBudgets = (env?: Env): { taskBudgetUsd: number; dailyBudgetUsd: number } => {
  const read = new EnvReader(env);
  const taskBudgetUsd = read.number('TASK_BUDGET_USD', 10);
  const dailyBudgetUsd = read.number('DAILY_BUDGET_USD', 100);
  if (taskBudgetUsd <= 0 || dailyBudgetUsd <= 0)
    throw new ConfigError('TASK_BUDGET_USD and DAILY_BUDGET_USD must be positive');
  return { taskBudgetUsd, dailyBudgetUsd };
};

/** Reads and checks the configuration; throws ConfigError naming the bad variable. */
export const readConfig = (env?: Env): InvokerConfig => {
  const read = new EnvReader(env);
  const runtime = read.oneOf('AGENT_RUNTIME', Object.values(AgentRuntimeKind), AgentRuntimeKind.Converse);
  const { provider, models, prices, limits } = readModelSettings(env);
  const converse = runtime === AgentRuntimeKind.Converse;
  return {
    ...readSharedConfig(read),
    tableName: readTableName(read),
    runtime,
    provider,
    models,
    prices,
    agents:
      runtime === AgentRuntimeKind.AgentsClassic
        ? parseAgents(read.json<unknown>('AGENTS', undefined))
        : undefined,
    actionGroupFunctions: converse
      ? parseFunctions(read.json<unknown>('ACTION_GROUP_FUNCTIONS', undefined))
      : undefined,
    anthropicSecretArn:
      converse && provider === ModelProvider.Anthropic ? read.string('ANTHROPIC_SECRET_ARN') : undefined,
    limits,
    ...readBudgets(env),
    maxFixAttempts: readMaxFixAttempts(read),
    branchPrefix: readBranchPrefix(read),
    githubOrg: readOptionalGitHubOrg(read),
  };
};
