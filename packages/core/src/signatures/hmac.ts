import { createHmac, timingSafeEqual } from 'node:crypto';

/** Lowercase hex HMAC-SHA256 of the exact bytes. */
export const hmacSha256Hex = (secret: string | Buffer, message: Buffer | string): string =>
  createHmac('sha256', secret).update(message).digest('hex');

/**
 * Constant-time comparison of two signature strings. A length mismatch returns
 * false early: the length of a hex digest is public, so that leaks nothing.
 */
export const safeEqual = (expected: string, actual: string): boolean => {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Result of a verification: a reason is kept for logs, never for the caller. */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

export const verified: VerifyResult = { ok: true };
export const rejected = (reason: string): VerifyResult => ({ ok: false, reason });

/** Verifies a `sha256=<hex>` header against each configured secret (rotation). */
export const verifyPrefixedSha256 = (
  body: Buffer,
  headerValue: string | undefined,
  secrets: readonly string[],
  headerName: string,
): VerifyResult => {
  if (headerValue === undefined || headerValue === '') return rejected(`missing ${headerName} header`);
  if (secrets.length === 0) return rejected('no secret configured');
  const [scheme, digest] = headerValue.trim().split('=', 2);
  if (scheme !== 'sha256' || digest === undefined) return rejected(`${headerName} must be sha256=<hex>`);
  const candidate = digest.toLowerCase();
  return secrets.some((secret) => safeEqual(hmacSha256Hex(secret, body), candidate))
    ? verified
    : rejected(`${headerName} does not match`);
};
