import { ConfigError } from '@enterprise-agents/core/errors';
import { EnvSecretStore } from '@enterprise-agents/core/secrets';
import { describe, expect, it } from '@jest/globals';
import { SecretStoreWebhookSecrets } from '../../src/adapters/webhook-secrets';

const secrets = (webhooks: unknown, sentry: unknown) =>
  new SecretStoreWebhookSecrets(
    new EnvSecretStore({ WEBHOOKS: JSON.stringify(webhooks), SENTRY: JSON.stringify(sentry) }),
    'WEBHOOKS',
    'SENTRY',
  );

describe('SecretStoreWebhookSecrets', () => {
  it('reads each sender from its secret, with rotation lists', async () => {
    const store = secrets({ github: ['new', 'old'], jira: 'j' }, { authToken: 'a', clientSecret: 'c' });
    expect(await store.secretsFor('github')).toEqual(['new', 'old']);
    expect(await store.secretsFor('jira')).toEqual(['j']);
    expect(await store.secretsFor('sentry')).toEqual(['c']);
  });

  it('returns no secret when one is not set, and refuses malformed values without echoing them', async () => {
    const store = secrets({ github: 'g' }, { authToken: 'a' });
    expect(await store.secretsFor('jira')).toEqual([]);
    expect(await store.secretsFor('sentry')).toEqual([]);
    const bad = secrets({ github: { value: 'hunter2' } }, {});
    const error = await bad.secretsFor('github').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).not.toContain('hunter2');
  });
});
