import type { ActionGroupResponse } from '@enterprise-agents/core/bedrock';
import { TimelineRepository } from '@enterprise-agents/core/db';
import { textToAdf } from '@enterprise-agents/core/jira';
import { type LocalDynamo, silentLogger, startDynamo } from '@enterprise-agents/core/testing';
import { type JiraFake, startJiraFake } from '@enterprise-agents/fakes/jira';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JiraRestClient } from '../src/adapters/jira-rest';
import { createHandler } from '../src/create-handler';
import { JIRA_ACTION_GROUPS } from '../src/schemas';

const route = (operationId: string) => {
  for (const [apiPath, methods] of Object.entries(JIRA_ACTION_GROUPS[0]?.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      if (op.operationId === operationId) return { apiPath, httpMethod: method.toUpperCase() };
    }
  }
  throw new Error(operationId);
};

describe('jira-actions against the Jira fake', () => {
  let fake: JiraFake;
  let dynamo: LocalDynamo;
  let timeline: TimelineRepository;
  let sleeps: number[];
  let handler: ReturnType<typeof createHandler>;
  let credentials = { email: 'bot@example.com', apiToken: 'jira-token' };

  const call = async (
    operationId: string,
    args: Record<string, string | number>,
    session: Record<string, string> = { taskId: 'task-j' },
  ) => {
    const { apiPath, httpMethod } = route(operationId);
    const entries = Object.entries(args).map(([name, value]) => ({
      name,
      type: 'string',
      value: String(value),
    }));
    const res = (await handler({
      messageVersion: '1.0',
      actionGroup: 'jira',
      apiPath,
      httpMethod,
      ...(httpMethod === 'GET'
        ? { parameters: entries }
        : { requestBody: { content: { 'application/json': { properties: entries } } } }),
      sessionAttributes: session,
      promptSessionAttributes: {},
    })) as ActionGroupResponse;
    return {
      status: res.response.httpStatusCode,
      body: JSON.parse(res.response.responseBody['application/json'].body) as Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    fake = await startJiraFake();
    dynamo = await startDynamo();
    timeline = new TimelineRepository(dynamo.table);
    sleeps = [];
    fake.fieldNames.customfield_10042 = 'Acceptance Criteria';
    fake.fieldNames.customfield_10050 = 'Story Points';
    fake.seedIssue({
      key: 'PROJ-1',
      summary: 'Login fails for SSO users',
      labels: ['AI', 'auth'],
      description: textToAdf('Users see a 500.\n\nSteps:\n- open /login\n- use SSO'),
      fields: {
        customfield_10042: textToAdf('- returns 401 for bad passwords\n- SSO users can log in'),
        customfield_10050: 3,
        priority: { name: 'High' },
      },
      comments: Array.from({ length: 15 }, (_, i) => ({
        author: `user${i}`,
        body: textToAdf(`comment ${i}`),
      })),
    });
    fake.seedIssue({ key: 'OTHER-1', summary: 'not ours' });
    handler = createHandler({
      jira: new JiraRestClient({
        baseUrl: fake.url,
        credentials: async () => credentials,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      }),
      audit: timeline,
      baseUrl: 'https://acme.atlassian.net',
      allowedProjects: ['PROJ'],
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await fake.close();
    await dynamo.stop();
  });

  it('reads an issue as text with acceptance criteria and the latest comments', async () => {
    const { status, body } = await call('getIssue', { issueKey: 'proj-1', maxComments: 3 });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      key: 'PROJ-1',
      url: 'https://acme.atlassian.net/browse/PROJ-1',
      summary: 'Login fails for SSO users',
      status: 'To Do',
      issueType: 'Story',
      priority: 'High',
      labels: ['AI', 'auth'],
      description: 'Users see a 500.\n\nSteps:\n- open /login\n- use SSO',
      acceptanceCriteria: [
        { field: 'Acceptance Criteria', text: '- returns 401 for bad passwords\n- SSO users can log in' },
      ],
      olderComments: 12,
    });
    expect((body.comments as { text: string }[]).map((c) => c.text)).toEqual([
      'comment 12',
      'comment 13',
      'comment 14',
    ]);
    const sent = fake.requests.find((r) => r.path === '/rest/api/3/issue/PROJ-1');
    expect(sent?.headers.authorization).toBe(
      `Basic ${Buffer.from('bot@example.com:jira-token').toString('base64')}`,
    );
  });

  it.each([
    [{ issueKey: 'not a key' }, 400],
    [{ issueKey: 'OTHER-1' }, 403],
    [{ issueKey: 'PROJ-404' }, 404],
  ])('refuses %p with %p', async (args, status) => {
    const res = await call('getIssue', args);
    expect(res.status).toBe(status);
    expect(typeof res.body.error).toBe('string');
  });

  it('posts comments as ADF, once per text, and records them', async () => {
    const text = 'Plan ready: https://github.com/acme/app/pull/1\n\n```\nnpm test\n```';
    const first = await call('addComment', { issueKey: 'PROJ-1', body: text });
    expect(first.body.created).toBe(true);
    const posted = fake.issues.get('PROJ-1')?.comments.at(-1);
    expect(posted?.body).toEqual(textToAdf(text));
    const again = await call('addComment', { issueKey: 'PROJ-1', body: text });
    expect(again.body).toMatchObject({ created: false, commentId: first.body.commentId });
    expect(fake.issues.get('PROJ-1')?.comments.length).toBe(16);
    const events = await timeline.list('task-j');
    expect(events.filter((e) => e.type === 'jira.write').map((e) => e.data?.operation)).toEqual([
      'addComment',
    ]);
    expect((await call('addComment', { issueKey: 'PROJ-1', body: 'x' }, {})).status).toBe(400);
    expect((await call('addComment', { issueKey: 'PROJ-1', body: 'x'.repeat(30_001) })).status).toBe(413);
  });

  it('transitions by status name, case-insensitively, and is a no-op when already there', async () => {
    const list = await call('listTransitions', { issueKey: 'PROJ-1' });
    expect(list.body.available).toEqual(
      expect.arrayContaining([{ transition: 'Move to In Review', toStatus: 'In Review' }]),
    );
    const moved = await call('transitionIssue', { issueKey: 'PROJ-1', status: 'in review' });
    expect(moved.body).toMatchObject({ from: 'To Do', status: 'In Review', changed: true });
    expect(fake.issues.get('PROJ-1')?.status).toBe('In Review');
    const same = await call('transitionIssue', { issueKey: 'PROJ-1', status: 'In Review' });
    expect(same.body.changed).toBe(false);
    const bad = await call('transitionIssue', { issueKey: 'PROJ-1', status: 'Shipped' });
    expect(bad.status).toBe(409);
    expect(bad.body.error).toMatch(/available: .*Done/);
    const events = await timeline.list('task-j');
    expect(events.filter((e) => e.data?.operation === 'transitionIssue').length).toBe(1);
  });

  it('retries 429 and 503 honouring Retry-After', async () => {
    sleeps.length = 0;
    fake.throttle(1, 2);
    fake.failNext(1, 503);
    const res = await call('getIssue', { issueKey: 'PROJ-1', maxComments: 0 });
    expect(res.status).toBe(200);
    expect(sleeps[0]).toBe(2000);
    expect(sleeps.length).toBe(2);
  });

  it('does not retry a POST that failed with a 500 (no duplicate comment)', async () => {
    fake.failNext(1, 500, 'POST');
    const before = fake.requests.filter((r) => r.method === 'POST').length;
    const res = await call('addComment', { issueKey: 'PROJ-1', body: 'unique text 42' });
    expect(res.status).toBe(502);
    expect(fake.requests.filter((r) => r.method === 'POST').length).toBe(before + 1);
  });

  it('answers a generic 502 on bad credentials without leaking them', async () => {
    credentials = { email: 'bot@example.com', apiToken: 'wrong-token' };
    try {
      const res = await call('getIssue', { issueKey: 'PROJ-1' });
      expect(res.status).toBe(502);
      expect(JSON.stringify(res.body)).not.toMatch(/wrong-token|Basic/);
    } finally {
      credentials = { email: 'bot@example.com', apiToken: 'jira-token' };
    }
  });
});
