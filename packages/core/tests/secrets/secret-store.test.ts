import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '@enterprise-agents/core/errors';
import { EnvSecretStore, SecretsManagerStore } from '@enterprise-agents/core/secrets';
import { FixedClock } from '@enterprise-agents/core/testing';

/** A Secrets Manager client double that counts calls (the real client cannot run offline). */
class CountingClient extends SecretsManagerClient {
  calls = 0;
  failNext = false;
  constructor(private readonly values: Record<string, string>) {
    super({ region: 'us-east-1' });
  }
  override send(command: unknown): Promise<never> {
    this.calls += 1;
    if (!(command instanceof GetSecretValueCommand)) throw new Error('unexpected command');
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    }
    const id = command.input.SecretId as string;
    return Promise.resolve({ SecretString: this.values[id] } as never);
  }
}

describe('SecretsManagerStore', () => {
  it('caches values for the TTL and refreshes after it', async () => {
    const client = new CountingClient({ s1: '{"token":"t"}' });
    const clock = new FixedClock();
    const store = new SecretsManagerStore(client, 60_000, clock);
    expect(await store.getJson('s1')).toEqual({ token: 't' });
    await store.get('s1');
    expect(client.calls).toBe(1);
    clock.advance(60_001);
    await store.get('s1');
    expect(client.calls).toBe(2);
  });

  it('does not cache a failure', async () => {
    const client = new CountingClient({ s1: 'v' });
    const store = new SecretsManagerStore(client, 60_000, new FixedClock());
    client.failNext = true;
    await expect(store.get('s1')).rejects.toThrow('throttled');
    expect(await store.get('s1')).toBe('v');
  });

  it('explains an empty secret without echoing values', async () => {
    const store = new SecretsManagerStore(new CountingClient({ s2: 'not json' }), 1000, new FixedClock());
    await expect(store.get('missing')).rejects.toThrow(/put-secret-value/);
    await expect(store.getJson('s2')).rejects.toThrow(ConfigError);
    await expect(store.getJson('s2')).rejects.not.toThrow(/not json/);
  });
});

describe('EnvSecretStore', () => {
  it('reads secrets from the environment by name', async () => {
    const store = new EnvSecretStore({ GITHUB: '{"token":"x"}' });
    expect(await store.getJson('GITHUB')).toEqual({ token: 'x' });
    await expect(store.get('NOPE')).rejects.toThrow('secret NOPE is not set in the environment');
  });
});
