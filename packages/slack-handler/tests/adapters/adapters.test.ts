import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { silentLogger } from '@enterprise-agents/core/testing';
import { SLACK_FAKE_TOKEN, type SlackFake, startSlackFake } from '@enterprise-agents/fakes/slack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { LambdaFollowUps } from '../../src/adapters/lambda-follow-ups';
import { FetchResponder } from '../../src/adapters/response-url';
import { SlackWebApi } from '../../src/adapters/slack-web-api';
import type { FollowUpJob } from '../../src/domain/ports';
import { FAST_RETRY } from '../harness';

describe('SlackWebApi and FetchResponder against the Slack fake', () => {
  let slack: SlackFake;
  const waits: number[] = [];
  const wait = async (ms: number) => {
    waits.push(ms);
  };
  let token = SLACK_FAKE_TOKEN;
  const api = () =>
    new SlackWebApi({
      token: async () => token,
      slackApiUrl: slack.apiUrl,
      retry: FAST_RETRY,
      logger: silentLogger(),
      wait,
    });

  beforeAll(async () => {
    slack = await startSlackFake({
      tokens: [SLACK_FAKE_TOKEN, 'xoxb-rotated'],
      channels: ['C1'],
      usergroups: { S1: ['U1', 'U2'] },
    });
  });
  afterAll(async () => slack.stop());
  beforeEach(() => {
    slack.reset();
    waits.length = 0;
    token = SLACK_FAKE_TOKEN;
  });

  it('posts, replies in a thread, updates and deletes', async () => {
    const port = api();
    const root = await port.postMessage({
      channel: 'C1',
      text: 'root',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
    });
    const reply = await port.postMessage({
      channel: 'C1',
      text: 'reply',
      threadTs: root.ts,
      replyBroadcast: true,
    });
    await port.updateMessage({ channel: 'C1', ts: root.ts, text: 'edited' });
    expect(slack.thread('C1', root.ts).map((m) => m.text)).toEqual(['edited', 'reply']);
    expect(slack.thread('C1', root.ts)[1]).toMatchObject({ threadTs: root.ts, replyBroadcast: true });
    await port.deleteMessage('C1', reply.ts);
    expect(slack.thread('C1', root.ts)).toHaveLength(1);
    await port.postEphemeral({ channel: 'C1', user: 'U1', text: 'psst' });
    expect(slack.ephemerals('U1').map((m) => m.text)).toEqual(['psst']);
    expect(await port.usergroupMembers('S1')).toEqual(['U1', 'U2']);
  });

  it('honours Retry-After on 429 and gives up when it is longer than the policy allows', async () => {
    slack.fail({ method: 'chat.postMessage', status: 429, retryAfterSeconds: 3 });
    await api().postMessage({ channel: 'C1', text: 'x' });
    expect(waits).toEqual([3000]);
    slack.fail({ method: 'chat.postMessage', status: 429, retryAfterSeconds: 60 });
    await expect(api().postMessage({ channel: 'C1', text: 'x' })).rejects.toThrow(/rate/i);
    expect(waits).toEqual([3000]);
  });

  it('retries 5xx a bounded number of times', async () => {
    slack.fail({ method: 'chat.update', status: 503, times: 10 });
    await expect(api().updateMessage({ channel: 'C1', ts: '1.1', text: 'x' })).rejects.toThrow();
    expect(slack.callsTo('chat.update')).toHaveLength(FAST_RETRY.maxRetries + 1);
  });

  it('does not retry Slack errors that a retry cannot fix', async () => {
    await expect(api().postMessage({ channel: 'C-unknown', text: 'x' })).rejects.toThrow('channel_not_found');
    token = 'xoxb-wrong';
    await expect(api().postMessage({ channel: 'C1', text: 'x' })).rejects.toThrow('invalid_auth');
    expect(slack.calls).toHaveLength(2);
    expect(waits).toEqual([]);
  });

  it('picks up a rotated token', async () => {
    const port = api();
    await port.postMessage({ channel: 'C1', text: 'a' });
    token = 'xoxb-rotated';
    await port.postMessage({ channel: 'C1', text: 'b' });
    expect(slack.messages('C1')).toHaveLength(2);
  });

  it('answers response_urls, retrying 5xx and stopping on 404 (used or expired URL)', async () => {
    const responder = new FetchResponder({ retry: FAST_RETRY, wait });
    slack.fail({ method: 'response_url', status: 500 });
    const url = slack.responseUrl('once');
    await responder.respond(url, { text: 'done', responseType: 'ephemeral' });
    expect(slack.responses('once').map((r) => r.status)).toEqual([500, 200]);
    expect(slack.responses('once')[1]?.body).toEqual({
      text: 'done',
      response_type: 'ephemeral',
      replace_original: false,
    });
    for (let i = 0; i < 4; i += 1) await responder.respond(url, { text: `n${i}` });
    await expect(responder.respond(url, { text: 'too many' })).rejects.toThrow('response_url answered 404');
  });
});

describe('LambdaFollowUps', () => {
  const received: { path: string; type: string | undefined; body: string }[] = [];
  let status = 202;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        type: req.headers['x-amz-invocation-type'] as string | undefined,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'r1' });
      res.end(status === 202 ? '' : JSON.stringify({ Type: 'User', message: 'Function not found' }));
    });
  });
  let client: LambdaClient;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new LambdaClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const job: FollowUpJob = {
    action: 'commandFollowUp',
    userId: 'U1',
    reply: { responseUrl: 'https://hooks.slack.com/commands/x' },
    work: { kind: 'run', key: 'PROJ-1' },
  };

  it('invokes itself asynchronously with the job as payload', async () => {
    await new LambdaFollowUps('slack-handler', client).enqueue(job);
    expect(received.at(-1)).toEqual({
      path: '/2015-03-31/functions/slack-handler/invocations',
      type: 'Event',
      body: JSON.stringify(job),
    });
  });

  it('fails when Lambda refuses the invocation', async () => {
    status = 404;
    await expect(new LambdaFollowUps('missing', client).enqueue(job)).rejects.toThrow();
    status = 202;
  });
});
