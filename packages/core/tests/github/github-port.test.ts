import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@enterprise-agents/core/errors';
import {
  createGitHubClient,
  githubClientLoader,
  OctokitGitHub,
  parseGitHubSecret,
} from '@enterprise-agents/core/github';
import { EnvSecretStore } from '@enterprise-agents/core/secrets';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
}

let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let rateLimitOnce = false;

const comment = (id: number, path: string, line: number | null, body: string) => ({
  id,
  pull_request_review_id: 9,
  path,
  line,
  original_line: line ?? 7,
  body,
  user: { login: 'Codertocat', type: 'User' },
});

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    ...headers,
  });
  res.end(JSON.stringify(body));
};

// Just the GitHub REST endpoints this adapter calls, with GitHub's status codes,
// Link pagination and rate-limit headers.
const github = (req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', baseUrl);
  seen.push({
    method: req.method ?? '',
    url: `${url.pathname}${url.search}`,
    authorization: req.headers.authorization,
  });
  if (rateLimitOnce) {
    rateLimitOnce = false;
    return send(
      res,
      403,
      { message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest' },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) },
    );
  }
  const reviewComments = /^\/repos\/acme\/pay\/pulls\/12\/reviews\/9\/comments$/.exec(url.pathname);
  if (req.method === 'GET' && reviewComments !== null) {
    const page = Number(url.searchParams.get('page') ?? '1');
    if (page === 1) {
      const next = `${baseUrl}/repos/acme/pay/pulls/12/reviews/9/comments?per_page=100&page=2`;
      return send(res, 200, [comment(1, 'src/a.ts', 3, 'rename this')], {
        link: `<${next}>; rel="next", <${next}>; rel="last"`,
      });
    }
    return send(res, 200, [comment(2, 'src/b.ts', null, 'and this'), comment(3, 'src/c.ts', 1, '')]);
  }
  const permission = /^\/repos\/acme\/pay\/collaborators\/([^/]+)\/permission$/.exec(url.pathname);
  if (req.method === 'GET' && permission !== null) {
    if (permission[1] === 'maintainer')
      return send(res, 200, { permission: 'write', role_name: 'maintain', user: { login: 'maintainer' } });
    return send(res, 404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
  }
  if (req.method === 'POST' && url.pathname === '/repos/acme/pay/issues/12/comments') {
    return send(res, 201, { id: 77, body: 'ok' });
  }
  return send(res, 404, { message: 'Not Found' });
};

beforeAll(async () => {
  server = createServer(github);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  rateLimitOnce = false;
});

describe('OctokitGitHub', () => {
  const adapter = (sleeps: number[] = []) =>
    new OctokitGitHub(
      createGitHubClient({
        auth: { type: 'token', token: 'ghs_test' },
        baseUrl,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      }),
    );

  it('follows Link pagination for review comments and formats them as path:line: body', async () => {
    expect(await adapter().reviewComments('acme/pay', 12, 9)).toEqual([
      'src/a.ts:3: rename this',
      'src/b.ts:7: and this',
    ]);
    expect(seen.map((s) => s.url)).toEqual([
      '/repos/acme/pay/pulls/12/reviews/9/comments?per_page=100',
      '/repos/acme/pay/pulls/12/reviews/9/comments?per_page=100&page=2',
    ]);
    expect(seen[0]?.authorization).toBe('token ghs_test');
  });

  it('waits out a primary rate limit and retries', async () => {
    rateLimitOnce = true;
    const sleeps: number[] = [];
    expect(await adapter(sleeps).reviewComments('acme/pay', 12, 9)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(seen).toHaveLength(3);
  });
});

describe('githubClientLoader', () => {
  it('builds the client from the secret on first use and maps 404 to no permission', async () => {
    const store = new EnvSecretStore({ GITHUB: JSON.stringify({ token: 'ghp_lazy' }) });
    const github = new OctokitGitHub(githubClientLoader({ store, secretId: 'GITHUB', baseUrl }));
    expect(seen).toEqual([]);
    expect(await github.permissionOf('acme/pay', 'maintainer')).toBe('maintain');
    expect(await github.permissionOf('acme/pay', 'stranger')).toBe('none');
    await github.commentOnIssue('acme/pay', 12, 'hello');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /repos/acme/pay/collaborators/maintainer/permission',
      'GET /repos/acme/pay/collaborators/stranger/permission',
      'POST /repos/acme/pay/issues/12/comments',
    ]);
    expect(seen.every((s) => s.authorization === 'token ghp_lazy')).toBe(true);
  });

  it('does not keep a failed build', async () => {
    const env: Record<string, string> = {};
    const github = new OctokitGitHub(
      githubClientLoader({ store: new EnvSecretStore(env), secretId: 'GITHUB', baseUrl }),
    );
    await expect(github.permissionOf('acme/pay', 'maintainer')).rejects.toThrow(ConfigError);
    env.GITHUB = JSON.stringify({ token: 'ghp_late' });
    expect(await github.permissionOf('acme/pay', 'maintainer')).toBe('maintain');
  });

  it('keeps one client while the secret is unchanged and builds a new one when it rotates', async () => {
    const env: Record<string, string> = { GITHUB: JSON.stringify({ token: 'ghp_old' }) };
    const load = githubClientLoader({ store: new EnvSecretStore(env), secretId: 'GITHUB', baseUrl });
    const first = await load();
    expect(await load()).toBe(first);
    env.GITHUB = JSON.stringify({ token: 'ghp_new' });
    expect(await load()).not.toBe(first);
    await new OctokitGitHub(load).permissionOf('acme/pay', 'maintainer');
    expect(seen.at(-1)?.authorization).toBe('token ghp_new');
  });
});

describe('parseGitHubSecret (the one parser of the GitHub secret)', () => {
  it('reads a token or GitHub App credentials', () => {
    expect(parseGitHubSecret({ token: 't' }, 's')).toEqual({ type: 'token', token: 't' });
    expect(parseGitHubSecret({ appId: 123, privateKey: 'pem', installationId: '456' })).toEqual({
      type: 'app',
      appId: '123',
      privateKey: 'pem',
      installationId: '456',
    });
  });

  it('gives a console-pasted private key its line breaks back', () => {
    expect(
      parseGitHubSecret({
        appId: '1',
        privateKey: '-----BEGIN-----\\nabc\\n-----END-----',
        installationId: 2,
      }),
    ).toMatchObject({ privateKey: '-----BEGIN-----\nabc\n-----END-----' });
  });

  it.each([
    [{ appId: '1' }, /secret github must hold .*the GitHub App needs privateKey and installationId/],
    [{ token: 't', appId: '1', privateKey: 'pem' }, /the GitHub App needs installationId/],
    [{ token: '' }, /secret github must hold \{"token"\} or/],
    [{}, /secret github must hold/],
  ])('refuses %j naming the expected shape', (secret, message) => {
    expect(() => parseGitHubSecret(secret, 'github')).toThrow(ConfigError);
    expect(() => parseGitHubSecret(secret, 'github')).toThrow(message);
  });

  it('names the secret by its id, or as "GitHub secret" without one', () => {
    expect(() => parseGitHubSecret({})).toThrow(/^GitHub secret must hold/);
  });
});
