import { ConfigError } from '@enterprise-agents/core';
import type { TokenUsage } from './ports';

/** USD per million tokens for one model. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export type ModelPrices = Readonly<Record<string, ModelPrice>>;

/** The default model of the agents (Claude Sonnet 4 through its US inference profile). */
export const DEFAULT_MODEL_ID = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

/** Public on-demand prices (USD per MTok); override with MODEL_PRICES when they change. */
export const DEFAULT_MODEL_PRICES: ModelPrices = {
  [DEFAULT_MODEL_ID]: { inputPerMTok: 3, outputPerMTok: 15 },
  'anthropic.claude-sonnet-4-20250514-v1:0': { inputPerMTok: 3, outputPerMTok: 15 },
  'us.anthropic.claude-3-5-haiku-20241022-v1:0': { inputPerMTok: 0.8, outputPerMTok: 4 },
};

const isPrice = (value: unknown): value is ModelPrice => {
  if (typeof value !== 'object' || value === null) return false;
  const { inputPerMTok, outputPerMTok } = value as Record<string, unknown>;
  return (
    typeof inputPerMTok === 'number' &&
    typeof outputPerMTok === 'number' &&
    Number.isFinite(inputPerMTok) &&
    Number.isFinite(outputPerMTok) &&
    inputPerMTok >= 0 &&
    outputPerMTok >= 0
  );
};

/**
 * The price of `modelId` from a MODEL_PRICES table merged over the defaults. An
 * unpriced model is a configuration error: without a price the budget cannot hold.
 */
export const resolveModelPrice = (modelId: string, overrides: unknown): ModelPrice => {
  if (
    overrides !== undefined &&
    (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))
  )
    throw new ConfigError(
      'MODEL_PRICES must be a JSON object {"<model id>": {"inputPerMTok", "outputPerMTok"}}',
    );
  const table: Record<string, unknown> = {
    ...DEFAULT_MODEL_PRICES,
    ...((overrides as object | undefined) ?? {}),
  };
  const price = table[modelId];
  if (price === undefined) throw new ConfigError(`MODEL_PRICES has no price for model ${modelId}`);
  if (!isPrice(price))
    throw new ConfigError(
      `MODEL_PRICES entry for ${modelId} needs non-negative inputPerMTok and outputPerMTok`,
    );
  return price;
};

/** USD for the given tokens, rounded to a micro-dollar so sums stay stable in DynamoDB. */
export const priceUsage = (price: ModelPrice, usage: TokenUsage): number =>
  Math.round(
    ((usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1e6) * 1e6,
  ) / 1e6;

export const addUsage = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
});

export const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 };
