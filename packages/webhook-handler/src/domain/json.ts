import { clip, isPlainObject } from '@enterprise-agents/core/util';

/** A parsed JSON object. Webhook bodies are untrusted: every read goes through these guards. */
export type JsonObject = Record<string, unknown>;

/** The value as an object, or undefined for anything else (arrays and null included). */
export const asObject = (value: unknown): JsonObject | undefined =>
  isPlainObject(value) ? value : undefined;

export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** A non-empty string after trimming, or undefined. */
export const asText = (value: unknown): string | undefined => {
  const text = asString(value)?.trim();
  return text === undefined || text === '' ? undefined : text;
};

export const asNumber = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** A positive safe integer (GitHub ids, PR numbers). */
export const asPositiveInt = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Vendors send some ids as numbers in one payload and strings in another. */
export const asId = (value: unknown): string | undefined => {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return asText(value);
};

/**
 * Reads a nested property by own keys only, so `toString` or `__proto__` in a
 * path never resolves to something inherited.
 */
export const at = (value: unknown, ...keys: readonly string[]): unknown => {
  let current: unknown = value;
  for (const key of keys) {
    const object = asObject(current);
    if (object === undefined || !Object.hasOwn(object, key)) return undefined;
    current = object[key];
  }
  return current;
};

/** Shortens untrusted text before it is stored (DynamoDB items are capped at 400 KB): core's `clip`. */
export { clip };
