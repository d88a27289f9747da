import { ConfigError } from '@enterprise-agents/core/errors';
import { EnvSecretStore, secretLoader } from '@enterprise-agents/core/secrets';
import { describe, expect, it } from '@jest/globals';

describe('secretLoader (one rotation behaviour everywhere)', () => {
  it('reads the secret on every call, parses once per value and picks up a rotation', async () => {
    const env: Record<string, string> = { JIRA: JSON.stringify({ apiToken: 'one' }) };
    let parses = 0;
    const load = secretLoader(new EnvSecretStore(env), 'JIRA', (secret) => {
      parses += 1;
      return { token: String(secret.apiToken) };
    });
    const first = await load();
    expect(await load()).toBe(first);
    expect(parses).toBe(1);
    env.JIRA = JSON.stringify({ apiToken: 'two' });
    expect(await load()).toEqual({ token: 'two' });
    expect(parses).toBe(2);
  });

  it('does not keep a failed read or parse', async () => {
    const env: Record<string, string> = {};
    const load = secretLoader(new EnvSecretStore(env), 'SLACK', (secret) => {
      if (typeof secret.botToken !== 'string') throw new ConfigError('Slack secret must hold {"botToken"}');
      return secret.botToken;
    });
    await expect(load()).rejects.toThrow('secret SLACK is not set');
    env.SLACK = '{}';
    await expect(load()).rejects.toThrow('must hold');
    env.SLACK = JSON.stringify({ botToken: 'xoxb' });
    expect(await load()).toBe('xoxb');
  });
});
