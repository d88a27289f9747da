import { AgentName } from '@enterprise-agents/core/domain';
import { ConfigError } from '@enterprise-agents/core/errors';
import { isPlainObject } from '@enterprise-agents/core/util';
import type { ModelUsage } from './model';

/** USD per million tokens for one model, and its context window. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Prompt-cache hits; Claude bills them at a tenth of plain input. */
  cacheReadPerMTok: number;
  /** Prompt-cache writes (5-minute TTL); 1.25 times plain input. */
  cacheWritePerMTok: number;
  /** Context window in tokens; the loop compacts the conversation well before it. */
  contextTokens: number;
}

export type ModelPrices = Readonly<Record<string, ModelPrice>>;

/** Model of each agent: ids change often, so these are only defaults (AGENT_MODELS, Terraform `agent_models`). */
export const DEFAULT_AGENT_MODELS: Readonly<Record<AgentName, string>> = {
  // Discovery reads and ranks: the fast, cheap model does it well.
  [AgentName.Discovery]: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
  [AgentName.Planning]: 'global.anthropic.claude-sonnet-4-6',
  [AgentName.Execution]: 'global.anthropic.claude-sonnet-4-6',
  [AgentName.Cicd]: 'global.anthropic.claude-sonnet-4-6',
};

/** The same models by their Anthropic API names (MODEL_PROVIDER=anthropic). */
export const DEFAULT_ANTHROPIC_AGENT_MODELS: Readonly<Record<AgentName, string>> = {
  [AgentName.Discovery]: 'claude-haiku-4-5-20251001',
  [AgentName.Planning]: 'claude-sonnet-4-6',
  [AgentName.Execution]: 'claude-sonnet-4-6',
  [AgentName.Cicd]: 'claude-sonnet-4-6',
};

const SONNET_4_6: ModelPrice = {
  inputPerMTok: 3,
  outputPerMTok: 15,
  cacheReadPerMTok: 0.3,
  cacheWritePerMTok: 3.75,
  contextTokens: 200_000,
};
const HAIKU_4_5: ModelPrice = {
  inputPerMTok: 1,
  outputPerMTok: 5,
  cacheReadPerMTok: 0.1,
  cacheWritePerMTok: 1.25,
  contextTokens: 200_000,
};

/**
 * Public on-demand prices (USD per MTok, Anthropic's model cards, 2026-12); override or
 * extend with MODEL_PRICES. The scripted model of tests and the local stack is priced
 * like Sonnet so budgets behave as in production.
 */
export const DEFAULT_MODEL_PRICES: ModelPrices = {
  'global.anthropic.claude-sonnet-4-6': SONNET_4_6,
  'us.anthropic.claude-sonnet-4-6': SONNET_4_6,
  'eu.anthropic.claude-sonnet-4-6': SONNET_4_6,
  'claude-sonnet-4-6': SONNET_4_6,
  'global.anthropic.claude-haiku-4-5-20251001-v1:0': HAIKU_4_5,
  'us.anthropic.claude-haiku-4-5-20251001-v1:0': HAIKU_4_5,
  'eu.anthropic.claude-haiku-4-5-20251001-v1:0': HAIKU_4_5,
  'claude-haiku-4-5-20251001': HAIKU_4_5,
  scripted: SONNET_4_6,
};

const parsePrice = (modelId: string, value: unknown): ModelPrice => {
  if (!isPlainObject(value)) throw new ConfigError(`MODEL_PRICES entry for ${modelId} must be an object`);
  const number = (field: string, fallback?: number): number => {
    const raw = value[field] ?? fallback;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0)
      throw new ConfigError(`MODEL_PRICES entry for ${modelId} needs a non-negative ${field}`);
    return raw;
  };
  const inputPerMTok = number('inputPerMTok');
  // Claude's cache multipliers when a table gives only plain prices.
  const price = {
    inputPerMTok,
    outputPerMTok: number('outputPerMTok'),
    cacheReadPerMTok: number('cacheReadPerMTok', inputPerMTok * 0.1),
    cacheWritePerMTok: number('cacheWritePerMTok', inputPerMTok * 1.25),
    contextTokens: number('contextTokens', 200_000),
  };
  if (price.contextTokens < 8_000)
    throw new ConfigError(`MODEL_PRICES entry for ${modelId}: contextTokens must be at least 8000`);
  return price;
};

/** MODEL_PRICES merged over the defaults; every entry checked. */
export const readModelPrices = (overrides: unknown): ModelPrices => {
  if (overrides !== undefined && !isPlainObject(overrides))
    throw new ConfigError(
      'MODEL_PRICES must be a JSON object {"<model id>": {"inputPerMTok", "outputPerMTok", "cacheReadPerMTok", "cacheWritePerMTok", "contextTokens"}}',
    );
  const table: Record<string, ModelPrice> = { ...DEFAULT_MODEL_PRICES };
  for (const [modelId, value] of Object.entries(overrides ?? {})) table[modelId] = parsePrice(modelId, value);
  return table;
};

/** The price of `modelId`; an unpriced model is a configuration error, since the budget cannot hold without it. */
export const resolveModelPrice = (modelId: string, prices: ModelPrices): ModelPrice => {
  const price = prices[modelId];
  if (price === undefined) throw new ConfigError(`MODEL_PRICES has no price for model ${modelId}`);
  return price;
};

/** USD for one model call, rounded to a micro-dollar so sums stay stable in DynamoDB. */
export const priceUsage = (price: ModelPrice, usage: ModelUsage): number =>
  Math.round(
    usage.inputTokens * price.inputPerMTok +
      usage.outputTokens * price.outputPerMTok +
      usage.cacheReadTokens * price.cacheReadPerMTok +
      usage.cacheWriteTokens * price.cacheWritePerMTok,
  ) / 1e6;

export const addUsage = (a: ModelUsage, b: ModelUsage): ModelUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
  cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
});
