import { hmacSha256Hex, rejected, safeEqual, type VerifyResult, verified } from './hmac';

export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
export const SLACK_MAX_SKEW_SECONDS = 60 * 5;

export interface SlackVerifyInput {
  body: Buffer;
  signature: string | undefined;
  timestamp: string | undefined;
  signingSecret: string;
  /** Milliseconds since the epoch; injectable so tests control time. */
  nowMs?: number;
}

/**
 * Slack v0: `v0=<hex HMAC-SHA256(signing secret, "v0:" + ts + ":" + raw body)>`,
 * rejected when the timestamp is more than five minutes from now in either
 * direction (replay protection; a future timestamp is as suspicious as a stale one).
 */
export const verifySlackSignature = ({
  body,
  signature,
  timestamp,
  signingSecret,
  nowMs = Date.now(),
}: SlackVerifyInput): VerifyResult => {
  if (signature === undefined || signature === '') return rejected('missing X-Slack-Signature header');
  if (timestamp === undefined || !/^\d+$/.test(timestamp))
    return rejected('missing or malformed X-Slack-Request-Timestamp');
  if (signingSecret === '') return rejected('no signing secret configured');
  const skew = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (skew > SLACK_MAX_SKEW_SECONDS) return rejected('X-Slack-Request-Timestamp outside the 5 minute window');
  const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), body]);
  return safeEqual(`v0=${hmacSha256Hex(signingSecret, base)}`, signature.trim())
    ? verified
    : rejected('X-Slack-Signature does not match');
};

/** Signs a body like Slack does; used by tests and the local sandbox. */
export const signSlackRequest = (body: Buffer | string, signingSecret: string, timestamp: number): string =>
  `v0=${hmacSha256Hex(signingSecret, Buffer.concat([Buffer.from(`v0:${timestamp}:`), Buffer.from(body)]))}`;
