import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MODEL_ID, priceUsage, resolveModelPrice } from '../../src/domain/pricing';

describe('pricing', () => {
  it('prices tokens per million', () => {
    const price = resolveModelPrice(DEFAULT_MODEL_ID, undefined);
    expect(priceUsage(price, { inputTokens: 1_000_000, outputTokens: 100_000 })).toBe(4.5);
    expect(priceUsage(price, { inputTokens: 1200, outputTokens: 150 })).toBe(0.00585);
  });

  it('lets MODEL_PRICES override and extend the defaults', () => {
    expect(resolveModelPrice('my-model', { 'my-model': { inputPerMTok: 1, outputPerMTok: 2 } })).toEqual({
      inputPerMTok: 1,
      outputPerMTok: 2,
    });
  });

  it.each([
    ['an unpriced model', 'unknown', undefined, 'MODEL_PRICES has no price for model unknown'],
    ['a negative price', 'm', { m: { inputPerMTok: -1, outputPerMTok: 1 } }, 'needs non-negative'],
    ['a non-object table', 'm', [1], 'MODEL_PRICES must be a JSON object'],
  ])('refuses %s', (_label, model, table, message) => {
    expect(() => resolveModelPrice(model, table)).toThrow(message);
  });
});
