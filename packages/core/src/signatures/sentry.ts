import { hmacSha256Hex, rejected, safeEqual, type VerifyResult, verified } from './hmac';

export const SENTRY_SIGNATURE_HEADER = 'sentry-hook-signature';

/**
 * Sentry integration platform: `Sentry-Hook-Signature: <hex HMAC-SHA256(client
 * secret, raw body)>`, no prefix; the timestamp header is not signed.
 */
export const verifySentrySignature = (
  body: Buffer,
  signatureHeader: string | undefined,
  secrets: readonly string[],
): VerifyResult => {
  if (signatureHeader === undefined || signatureHeader === '')
    return rejected('missing Sentry-Hook-Signature header');
  if (secrets.length === 0) return rejected('no secret configured');
  const candidate = signatureHeader.trim().toLowerCase();
  return secrets.some((secret) => safeEqual(hmacSha256Hex(secret, body), candidate))
    ? verified
    : rejected('Sentry-Hook-Signature does not match');
};
