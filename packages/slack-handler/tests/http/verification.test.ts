import { FixedClock, httpEvent } from '@enterprise-agents/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, signedForm, slashCommand, startHarness } from '../harness';

// Slack's published example (api.slack.com/authentication/verifying-requests-from-slack).
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

const vectorEvent = (base64 = true) =>
  httpEvent({
    path: '/slack/commands',
    body: VECTOR.body,
    base64,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(VECTOR.timestamp),
      'x-slack-signature': VECTOR.signature,
    },
  });

describe('Slack request verification', () => {
  describe('with the published vector', () => {
    let h: Harness;
    const clock = new FixedClock(new Date(VECTOR.timestamp * 1000));
    beforeAll(async () => {
      h = await startHarness({ clock, signingSecret: VECTOR.secret });
    });
    afterAll(async () => h.stop());

    it('accepts Slack’s example request (base64 body, as API Gateway sends it) and answers with help', async () => {
      const result = (await h.handler(vectorEvent())) as { statusCode: number; body: string };
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toMatchObject({
        response_type: 'ephemeral',
        text: 'Enterprise Agents commands',
      });
    });

    it.each([true, false])(
      'verifies the raw bytes whether or not the body is base64 (base64=%s)',
      async (base64) => {
        const result = await h.handler(vectorEvent(base64));
        expect(result).toMatchObject({ statusCode: 200 });
      },
    );

    it('rejects the same request 301 seconds later', async () => {
      clock.set(new Date((VECTOR.timestamp + 301) * 1000));
      const result = await h.handler(vectorEvent());
      expect(result).toMatchObject({ statusCode: 401 });
      clock.set(new Date(VECTOR.timestamp * 1000));
    });
  });

  describe('with the test secret', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(async () => h.stop());
    afterEach(() => h.slack.reset());

    it('answers a signed /agent help with an ephemeral Block Kit message', async () => {
      const result = await h.http(signedForm('/slack/commands', slashCommand('help')));
      expect(result.statusCode).toBe(200);
      const body = JSON.parse(String(result.body));
      expect(body.response_type).toBe('ephemeral');
      expect(JSON.stringify(body.blocks)).toContain('/agent run <JIRA-KEY>');
    });

    it('answers unknown input with help naming the problem', async () => {
      const result = await h.http(signedForm('/slack/commands', slashCommand('deploy prod')));
      const body = JSON.parse(String(result.body));
      expect(result.statusCode).toBe(200);
      expect(body.text).toContain('unknown command "deploy"');
      expect(JSON.stringify(body.blocks)).toContain('/agent status');
    });

    it.each([
      ['a stale timestamp', { nowSeconds: Math.floor(Date.now() / 1000) - 600 }],
      ['a future timestamp', { nowSeconds: Math.floor(Date.now() / 1000) + 600 }],
      ['the wrong secret', { secret: 'not-the-secret' }],
    ])('rejects %s with 401 and does nothing', async (_name, options) => {
      const task = await h.tasks.createIfNoActive({
        source: 'jira',
        externalKey: `SEC-${Math.floor(Math.random() * 1e6)}`,
        title: 't',
        context: { key: 'k', title: 't' },
      });
      const key = task.created ? task.task.externalKey : 'x';
      const result = await h.http(signedForm('/slack/commands', slashCommand(`stop ${key}`), options));
      expect(result.statusCode).toBe(401);
      expect(JSON.parse(String(result.body))).toEqual({ error: 'invalid Slack signature' });
      expect(h.followUps.jobs).toHaveLength(0);
      expect(h.slack.calls).toHaveLength(0);
      expect(h.executions.stopped).toHaveLength(0);
    });

    it('rejects a body changed after signing', async () => {
      const event = signedForm('/slack/commands', slashCommand('help'), { base64: false });
      const tampered = { ...event, body: String(event.body).replace('help', 'list') };
      expect(await h.http(tampered)).toMatchObject({ statusCode: 401 });
    });

    it('rejects requests without the signature headers', async () => {
      const body = new URLSearchParams(slashCommand('help')).toString();
      const result = await h.http(
        httpEvent({
          path: '/slack/commands',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      );
      expect(result.statusCode).toBe(401);
    });

    it('answers Slack’s ssl_check with 200', async () => {
      const result = await h.http(
        httpEvent({
          path: '/slack/commands',
          body: 'ssl_check=1&token=abc',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      );
      expect(result).toMatchObject({ statusCode: 200, body: '' });
    });

    it('answers unknown paths with 404 and other methods with 405', async () => {
      expect(await h.http(httpEvent({ path: '/slack/events', body: 'x=1' }))).toMatchObject({
        statusCode: 404,
      });
      expect(await h.http(httpEvent({ method: 'GET', path: '/slack/commands' }))).toMatchObject({
        statusCode: 405,
      });
    });

    it('refuses oversized bodies with 413', async () => {
      const result = await h.http(signedForm('/slack/commands', slashCommand('x'.repeat(600 * 1024))));
      expect(result.statusCode).toBe(413);
    });

    it.each([
      ['no payload field', { nothing: 'here' }, 'interaction without a payload field'],
      ['payload that is not JSON', { payload: '{not json' }, 'interaction payload is not valid JSON'],
      ['payload without a type', { payload: '{"user":{"id":"U1"}}' }, 'interaction payload has no type'],
      [
        'button value without a task',
        {
          payload: JSON.stringify({
            type: 'block_actions',
            user: { id: 'U0APPROVER' },
            response_url: 'http://127.0.0.1:1/x',
            actions: [{ action_id: 'approve_plan', value: '{"foo":1}' }],
          }),
        },
        'button value must carry taskId and runId',
      ],
    ])('answers a signed interaction with %s with 400', async (_name, form, message) => {
      const result = await h.http(signedForm('/slack/interactions', form));
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(String(result.body))).toEqual({ error: message });
    });

    it('answers a slash command without user_id with 400', async () => {
      const { user_id: _drop, ...form } = slashCommand('help');
      const result = await h.http(signedForm('/slack/commands', form));
      expect(result).toMatchObject({ statusCode: 400 });
      expect(String(result.body)).not.toContain('at ');
    });

    it('throws a clear error for events that are neither HTTP nor an action', async () => {
      await expect(h.handler({ hello: 'world' })).rejects.toThrow('unsupported event');
      await expect(h.handler({ action: 'dance' })).rejects.toThrow('unsupported action dance');
    });
  });
});
