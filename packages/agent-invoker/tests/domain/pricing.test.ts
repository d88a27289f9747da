import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_AGENT_MODELS,
  DEFAULT_ANTHROPIC_AGENT_MODELS,
  DEFAULT_MODEL_PRICES,
  priceUsage,
  readModelPrices,
  resolveModelPrice,
} from '../../src/domain/pricing';

const usage = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cacheReadTokens,
  cacheWriteTokens,
});

describe('pricing', () => {
  it('prices plain, cached and cache-written tokens per million', () => {
    const sonnet = resolveModelPrice('global.anthropic.claude-sonnet-4-6', DEFAULT_MODEL_PRICES);
    expect(priceUsage(sonnet, usage(1_000_000, 100_000))).toBe(4.5);
    expect(priceUsage(sonnet, usage(1200, 150))).toBe(0.00585);
    // 0.30 per MTok read, 3.75 per MTok written.
    expect(priceUsage(sonnet, usage(0, 0, 1_000_000, 0))).toBe(0.3);
    expect(priceUsage(sonnet, usage(0, 0, 0, 1_000_000))).toBe(3.75);
    expect(priceUsage(sonnet, usage(200, 150, 3000, 0))).toBe(0.00375);
  });

  it('prices every default model of both providers', () => {
    for (const model of [
      ...Object.values(DEFAULT_AGENT_MODELS),
      ...Object.values(DEFAULT_ANTHROPIC_AGENT_MODELS),
    ])
      expect(resolveModelPrice(model, DEFAULT_MODEL_PRICES).contextTokens).toBeGreaterThan(0);
  });

  it('lets MODEL_PRICES override and extend the defaults, deriving cache prices when absent', () => {
    const prices = readModelPrices({ 'my-model': { inputPerMTok: 2, outputPerMTok: 8 } });
    expect(resolveModelPrice('my-model', prices)).toEqual({
      inputPerMTok: 2,
      outputPerMTok: 8,
      cacheReadPerMTok: 0.2,
      cacheWritePerMTok: 2.5,
      contextTokens: 200_000,
    });
    expect(resolveModelPrice('claude-sonnet-4-6', prices).inputPerMTok).toBe(3);
  });

  it.each([
    ['an unpriced model', 'unknown', undefined, 'MODEL_PRICES has no price for model unknown'],
    [
      'a negative price',
      'm',
      { m: { inputPerMTok: -1, outputPerMTok: 1 } },
      'needs a non-negative inputPerMTok',
    ],
    ['a tiny window', 'm', { m: { inputPerMTok: 1, outputPerMTok: 1, contextTokens: 10 } }, 'contextTokens'],
    ['a non-object table', 'm', [1], 'MODEL_PRICES must be a JSON object'],
  ])('refuses %s', (_label, model, table, message) => {
    expect(() => resolveModelPrice(model, readModelPrices(table))).toThrow(message);
  });
});
