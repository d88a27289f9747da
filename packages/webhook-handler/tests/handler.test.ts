import { githubSignature, httpEvent } from '@enterprise-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

// The production entry point reads process.env on its first invocation; these
// cases never reach AWS (health, refusals before any AWS call, a config error).
const saved = { ...process.env };

afterAll(() => {
  process.env = saved;
});

describe('handler (production wiring)', () => {
  beforeAll(() => {
    Object.assign(process.env, {
      TABLE_NAME: 'enterprise-agents',
      EVENT_BUS_NAME: 'enterprise-agents',
      WEBHOOK_SECRET_ARN: 'LOCAL_WEBHOOK_SECRETS',
      SENTRY_SECRET_ARN: 'LOCAL_SENTRY_SECRET',
      GITHUB_SECRET_ARN: 'LOCAL_GITHUB_SECRET',
      LOCAL_SECRETS: 'true',
      LOCAL_WEBHOOK_SECRETS: JSON.stringify({ github: 'gh', jira: 'jr' }),
      LOCAL_SENTRY_SECRET: JSON.stringify({ clientSecret: 'se' }),
      AWS_REGION: 'us-east-1',
    });
  });

  it('imports without side effects, then serves health and refuses bad signatures', async () => {
    const { handler } = await import('../src/handler');
    expect((await handler(httpEvent({ method: 'GET', path: '/health' }))).statusCode).toBe(200);
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const bad = await handler(
      httpEvent({
        path: '/webhooks/github',
        body,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': githubSignature(body, 'wrong'),
        },
      }),
    );
    expect(bad.statusCode).toBe(401);
    const ping = await handler(
      httpEvent({
        path: '/webhooks/github',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'ping',
          'x-github-delivery': 'd-1',
          'x-hub-signature-256': githubSignature(body, 'gh'),
        },
      }),
    );
    expect(ping.statusCode).toBe(200);
  });
});
