import { EnvReader, readSharedConfig, type SharedConfig } from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';

/** Everything sentry-actions reads from its environment (it has no table). */
export interface SentryActionsConfig extends SharedConfig {
  sentrySecretArn: string;
  sentryOrg: string;
  sentryApiUrl: string;
}

/** Reads and validates the configuration once per container. */
export const readConfig = (env: EnvReader = new EnvReader()): SentryActionsConfig => {
  const sentryApiUrl = env.string('SENTRY_API_URL', 'https://sentry.io').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(sentryApiUrl))
    throw new ConfigError('SENTRY_API_URL must be a URL like https://sentry.io');
  return {
    ...readSharedConfig(env),
    sentrySecretArn: env.string('SENTRY_SECRET_ARN'),
    sentryOrg: env.string('SENTRY_ORG'),
    sentryApiUrl,
  };
};

/** The auth token from the Sentry secret `{"authToken","clientSecret"}`. */
export const parseSentryToken = (secret: Record<string, unknown>): string => {
  if (typeof secret.authToken !== 'string' || secret.authToken === '') {
    throw new ConfigError('Sentry secret must hold {"authToken"}');
  }
  return secret.authToken;
};
