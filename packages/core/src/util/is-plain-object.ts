/**
 * Whether a value is an object with string keys: not null, not an array. Untrusted JSON
 * (payloads, secrets, environment maps) goes through this before its fields are read.
 *
 * @param value - anything
 * @example
 * isPlainObject({ a: 1 }); // true
 * isPlainObject([1]); // false
 */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
