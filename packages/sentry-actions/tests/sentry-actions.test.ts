import type { ActionGroupResponse } from '@enterprise-agents/core/bedrock';
import { listSchemaOperations } from '@enterprise-agents/core/bedrock';
import { silentLogger } from '@enterprise-agents/core/testing';
import { type SentryFake, startSentryFake } from '@enterprise-agents/fakes/sentry';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SentryRestClient } from '../src/adapters/sentry-rest';
import { createHandler, sentryOperations } from '../src/create-handler';
import type { SentryPort } from '../src/domain/ports';
import { SENTRY_ACTION_GROUPS } from '../src/schemas';
import { nodeEvent } from './fixtures';

const route = (operationId: string) => {
  for (const [apiPath, methods] of Object.entries(SENTRY_ACTION_GROUPS[0]?.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      if (op.operationId === operationId) return { apiPath, httpMethod: method.toUpperCase() };
    }
  }
  throw new Error(operationId);
};

describe('sentry-actions implements exactly its schema', () => {
  it('has a handler for every schema operation and a schema operation for every handler', () => {
    const implemented = Object.keys(sentryOperations({ sentry: {} as SentryPort })).sort();
    expect(implemented).toEqual(
      listSchemaOperations(SENTRY_ACTION_GROUPS)
        .map((o) => o.operationId)
        .sort(),
    );
  });
});

describe('sentry-actions against the Sentry fake', () => {
  let fake: SentryFake;
  let sleeps: number[];
  let token = 'sentry-token';
  let handler: ReturnType<typeof createHandler>;

  const call = async (operationId: string, args: Record<string, string | number>) => {
    const { apiPath, httpMethod } = route(operationId);
    const res = (await handler({
      messageVersion: '1.0',
      actionGroup: 'sentry',
      apiPath,
      httpMethod,
      parameters: Object.entries(args).map(([name, value]) => ({
        name,
        type: 'string',
        value: String(value),
      })),
      sessionAttributes: { taskId: 't' },
      promptSessionAttributes: {},
    })) as ActionGroupResponse;
    return {
      status: res.response.httpStatusCode,
      body: JSON.parse(res.response.responseBody['application/json'].body) as Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    fake = await startSentryFake({ org: 'acme' });
    sleeps = [];
    fake.seedIssue(
      {
        project: 'backend',
        title: "TypeError: Cannot read properties of undefined (reading 'id')",
        culprit: 'loginRoute(src/routes/login)',
      },
      [{ title: 'older' }, nodeEvent],
    );
    for (let i = 0; i < 12; i += 1) fake.seedIssue({ project: 'backend', title: `Error ${i}` });
    fake.seedIssue({ project: 'backend', title: 'Fixed already', status: 'resolved' });
    handler = createHandler({
      sentry: new SentryRestClient({
        apiUrl: fake.url,
        org: 'acme',
        authToken: async () => token,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      }),
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('lists unresolved issues, following cursor pagination', async () => {
    fake.maxPageSize = 5;
    try {
      const { status, body } = await call('listIssues', { project: 'backend', limit: 12 });
      expect(status).toBe(200);
      expect(body.count).toBe(12);
      const titles = (body.issues as { title: string }[]).map((i) => i.title);
      expect(titles).not.toContain('Fixed already');
      expect(new Set(titles).size).toBe(12);
      const pages = fake.requests.filter((r) => r.path === '/api/0/projects/acme/backend/issues/');
      expect(pages.map((r) => r.query.cursor)).toEqual([undefined, '0:5:0', '0:10:0']);
    } finally {
      fake.maxPageSize = 100;
    }
  });

  it('reads an issue by numeric or short id', async () => {
    const issue = fake.issues[0];
    const byId = await call('getIssue', { issueId: issue?.id as string });
    expect(byId.body).toMatchObject({
      shortId: 'BACKEND-1',
      culprit: 'loginRoute(src/routes/login)',
      project: 'backend',
    });
    const byShort = await call('getIssue', { issueId: 'BACKEND-1' });
    expect(byShort.body.id).toBe(issue?.id);
  });

  it('returns the latest event with in-app frames first and no request secrets', async () => {
    const { status, body } = await call('getLatestEvent', { issueId: 'BACKEND-1', maxFrames: 3 });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      release: 'app@1.4.2',
      environment: 'production',
      request: 'POST https://app.example.com/login',
    });
    const [ex] = body.exceptions as {
      type: string;
      frames: { filename: string; inApp: boolean }[];
      omittedFrames: number;
    }[];
    expect(ex?.type).toBe('TypeError');
    expect(ex?.frames.map((f) => f.filename)).toEqual([
      'src/db/users.ts',
      'src/routes/login.ts',
      'node_modules/pg/lib/client.js',
    ]);
    expect(ex?.omittedFrames).toBe(2);
    expect(JSON.stringify(body)).not.toMatch(/Bearer secret|abc|next=/);
    expect((body.breadcrumbs as unknown[]).length).toBe(2);
  });

  it.each([
    ['getIssue', { issueId: '../../etc' }, 400],
    ['getIssue', { issueId: '999999' }, 404],
    ['listIssues', { project: 'Nope Project' }, 400],
    ['listIssues', { project: 'missing' }, 404],
    // BACKEND-14 exists (seeded last) but has no events.
    ['getLatestEvent', { issueId: 'BACKEND-14' }, 404],
  ])('%s %p answers %p', async (op, args, status) => {
    const res = await call(op, args as Record<string, string>);
    expect(res.status).toBe(status);
    expect(typeof res.body.error).toBe('string');
  });

  it('retries 429 honouring Retry-After', async () => {
    sleeps.length = 0;
    fake.throttle(2, 4);
    const res = await call('getIssue', { issueId: 'BACKEND-1' });
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([4000, 4000]);
  });

  it('answers a generic 502 for a bad token', async () => {
    token = 'revoked';
    try {
      const res = await call('getIssue', { issueId: 'BACKEND-1' });
      expect(res).toEqual({
        status: 502,
        body: { error: 'getIssue failed upstream; retry later or continue without it' },
      });
    } finally {
      token = 'sentry-token';
    }
  });
});
