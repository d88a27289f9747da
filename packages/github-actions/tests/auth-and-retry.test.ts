import { generateKeyPairSync } from 'node:crypto';
import { type GitHubFake, startGitHubFake } from '@enterprise-agents/fakes/github';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bedrockEvent, type Harness, startHarness } from './helpers';

describe('GitHub App authentication against the fake', () => {
  let fake: GitHubFake;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  beforeAll(async () => {
    fake = await startGitHubFake({ tokens: [] });
    fake.state.apps.set('12345', {
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      installations: new Set(['777']),
    });
    fake.state.seedRepo({ fullName: 'acme/app' });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('exchanges a verified RS256 JWT for an installation token and uses it', async () => {
    const h = await startHarness({
      fake,
      auth: { type: 'app', appId: '12345', privateKey: pem, installationId: '777' },
    });
    try {
      const res = await h.call('getRepositoryTree', { repo: 'acme/app' });
      expect(res.status).toBe(200);
      const exchange = fake.requestsTo('POST', '/app/installations/777/access_tokens');
      expect(exchange.map((r) => r.status)).toEqual([201]);
      expect(exchange[0]?.headers.authorization).toMatch(/^bearer ey/i);
      const api = fake.requests.filter((r) => r.path.startsWith('/repos/'));
      expect(api.length).toBeGreaterThan(0);
      expect(api.every((r) => /^token ghs_/.test(r.headers.authorization ?? ''))).toBe(true);
      // The installation token is cached: a second call does not exchange again.
      await h.call('getFile', { repo: 'acme/app', path: 'README.md' });
      expect(fake.requestsTo('POST', '/app/installations/').length).toBe(1);
    } finally {
      await h.dynamo.stop();
    }
  });

  it('fails closed with a generic 502 when the App key is wrong, leaking nothing', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const h = await startHarness({
      fake,
      auth: { type: 'app', appId: '12345', privateKey: other, installationId: '777' },
    });
    try {
      const res = await h.call('getRepositoryTree', { repo: 'acme/app' });
      expect(res.status).toBe(502);
      expect(res.body).toEqual({
        error: 'getRepositoryTree failed upstream; retry later or continue without it',
      });
      expect(fake.requestsTo('POST', '/app/installations/777/access_tokens').at(-1)?.status).toBe(401);
    } finally {
      await h.dynamo.stop();
    }
  });
});

describe('rate limits and transient failures', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    h.fake.state.seedRepo({ fullName: 'acme/app' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    h.sleeps.length = 0;
    h.fake.throttle(2, { status: 429, retryAfter: 3 });
    const res = await h.call('getRepositoryTree', { repo: 'acme/app' });
    expect(res.status).toBe(200);
    expect(h.sleeps).toEqual([3000, 3000]);
    expect(h.fake.requests.filter((r) => r.status === 429).length).toBe(2);
  });

  it('retries a primary rate limit (403, remaining 0) until the reset time', async () => {
    h.sleeps.length = 0;
    h.fake.throttle(1, { status: 403, resetAt: Math.floor(Date.now() / 1000) + 2 });
    const res = await h.call('getRepositoryTree', { repo: 'acme/app' });
    expect(res.status).toBe(200);
    expect(h.sleeps.length).toBe(1);
    expect(h.sleeps[0]).toBeGreaterThan(0);
    expect(h.sleeps[0]).toBeLessThanOrEqual(2000);
  });

  it('tells the model to wait when the limit persists', async () => {
    // One first try plus three retries, all throttled.
    h.fake.throttle(4, { status: 429, retryAfter: 1 });
    const res = await h.call('getRepositoryTree', { repo: 'acme/app' });
    expect(res.status).toBe(429);
    expect(res.body.error).toMatch(/rate limit/);
  });

  it('does not retry a Retry-After longer than the Lambda can wait', async () => {
    h.sleeps.length = 0;
    const fresh = await startHarness({ fake: h.fake });
    try {
      fresh.fake.throttle(1, { status: 429, retryAfter: 3600 });
      const res = await fresh.call('listRepositories', {});
      expect(res.status).toBe(429);
      expect(fresh.sleeps).toEqual([]);
    } finally {
      await fresh.dynamo.stop();
    }
  });
});

describe('event routing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('echoes the Bedrock envelope and session attributes', async () => {
    h.fake.state.seedRepo({ fullName: 'acme/echo' });
    const event = bedrockEvent('getRepositoryTree', { repo: 'acme/echo' }, { taskId: 't-9', other: 'x' });
    const res = await h.handler(event);
    expect(res).toMatchObject({
      messageVersion: '1.0',
      response: {
        actionGroup: 'github-discovery',
        apiPath: '/github/repos/tree',
        httpMethod: 'GET',
        httpStatusCode: 200,
      },
      sessionAttributes: { taskId: 't-9', other: 'x' },
      promptSessionAttributes: {},
    });
  });

  it.each([[{}], [{ action: 'somethingElse' }], [null], ['text']])(
    'throws a clear error for %p',
    async (event) => {
      await expect(h.handler(event)).rejects.toThrow(/unsupported event/);
    },
  );
});
