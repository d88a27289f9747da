import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'token',
  'taskToken',
  'accessToken',
  'access_token',
  'apiToken',
  'botToken',
  'secret',
  'signingSecret',
  'clientSecret',
  'privateKey',
  'password',
  'signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-slack-signature',
  'sentry-hook-signature',
  'cookie',
] as const;

/** Redaction paths: the secret keys at the top level and up to three levels down. */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith('[') ? '' : '.';
  return [k, `*${dot}${k}`, `*.*${dot}${k}`, `*.*.*${dot}${k}`];
});

export interface LoggerOptions {
  service: string;
  level?: string;
  /** For tests: capture lines instead of writing to stdout. */
  destination?: DestinationStream;
}

/**
 * The one logger factory. JSON lines to stdout (CloudWatch), secrets redacted by
 * key wherever they appear in the first levels of a logged object. Bind a
 * correlation id per request with {@link withCorrelation}.
 */
export const createLogger = ({ service, level, destination }: LoggerOptions): Logger =>
  pino(
    {
      base: { service },
      level: level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );

/** A child logger that stamps every line with the request / task ids. */
export const withCorrelation = (logger: Logger, ids: { requestId?: string; taskId?: string }): Logger =>
  logger.child(Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined)));
