import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JsonHttpClient, parseRetryAfter, UpstreamError } from '../../src/http/json-client';

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('JsonHttpClient', () => {
  let server: Server;
  let url: string;
  let script: { status: number; headers?: Record<string, string>; body?: string }[] = [];
  const seen: { method: string; auth: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', auth: req.headers.authorization });
      const next = script.shift() ?? { status: 200, body: '{"ok":true}' };
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(next.body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = (sleeps: number[]) =>
    new JsonHttpClient({
      service: 'test',
      baseUrl: url,
      headers: async () => ({ authorization: 'Bearer t' }),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

  it('retries 429 honouring Retry-After, then returns the JSON body', async () => {
    const sleeps: number[] = [];
    script = [
      { status: 429, headers: { 'retry-after': '2' } },
      { status: 200, body: '{"a":1}' },
    ];
    const res = await client(sleeps).get<{ a: number }>('/x', { q: 'v' });
    expect(res.data).toEqual({ a: 1 });
    expect(sleeps).toEqual([2000]);
    expect(seen.at(-1)?.auth).toBe('Bearer t');
  });

  it('retries 5xx for GET but not for POST', async () => {
    const sleeps: number[] = [];
    script = [{ status: 502 }, { status: 200, body: '{}' }];
    await client(sleeps).get('/x');
    expect(sleeps.length).toBe(1);
    script = [{ status: 500, body: '{"errorMessages":["boom"]}' }];
    const error = await client(sleeps)
      .post('/x', { a: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(500);
    expect((error as UpstreamError).body).toEqual({ errorMessages: ['boom'] });
    expect(sleeps.length).toBe(1);
  });

  it('gives up after maxRetries and when Retry-After is longer than allowed', async () => {
    const sleeps: number[] = [];
    script = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }];
    await expect(client(sleeps).get('/x')).rejects.toMatchObject({ status: 503 });
    expect(sleeps.length).toBe(3);
    script = [{ status: 429, headers: { 'retry-after': '3600' } }];
    await expect(client([]).get('/x')).rejects.toMatchObject({ status: 429 });
  });

  it('reports an unreachable host as status 0', async () => {
    const dead = new JsonHttpClient({
      service: 'dead',
      baseUrl: 'http://127.0.0.1:9',
      headers: () => ({}),
      maxRetries: 1,
      sleep: async () => undefined,
    });
    await expect(dead.get('/x')).rejects.toMatchObject({ status: 0, service: 'dead' });
  });
});
