import { ConfigError } from '@enterprise-agents/core/errors';
import type { SecretStore } from '@enterprise-agents/core/secrets';
import { type WebhookSecretsPort, WebhookSource } from '../domain/ports';

// A rotation keeps the old value next to the new one: `{"github": ["new", "old"]}`.
const secretList = (secretId: string, field: string, value: unknown): string[] => {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item): item is string => typeof item === 'string' && item !== '')) {
    throw new ConfigError(`secret ${secretId} field ${field} must be a string or a list of strings`);
  }
  return list;
};

/**
 * Webhook HMAC secrets from Secrets Manager (or the environment locally):
 * `WEBHOOK_SECRET_ARN` holds `{"github","jira"}`, `SENTRY_SECRET_ARN` holds
 * `{"authToken","clientSecret"}`. Only the sender's secret is fetched, and the
 * store caches it per container.
 */
export class SecretStoreWebhookSecrets implements WebhookSecretsPort {
  constructor(
    private readonly store: SecretStore,
    private readonly webhookSecretId: string,
    private readonly sentrySecretId: string,
  ) {}

  async secretsFor(source: WebhookSource): Promise<string[]> {
    if (source === WebhookSource.Sentry) {
      const secret = await this.store.getJson<Record<string, unknown>>(this.sentrySecretId);
      return secretList(this.sentrySecretId, 'clientSecret', secret.clientSecret);
    }
    const secret = await this.store.getJson<Record<string, unknown>>(this.webhookSecretId);
    return secretList(this.webhookSecretId, source, secret[source]);
  }
}
