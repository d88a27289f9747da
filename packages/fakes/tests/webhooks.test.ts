import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { verifyGitHubSignature, verifyJiraSignature } from '@enterprise-agents/core/signatures';
import { decideJira } from '@enterprise-agents/webhook-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type GitHubFake, startGitHubFake } from '../src/github';
import { type JiraFake, startJiraFake } from '../src/jira';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** The example GitHub publishes for an event and action (the richest one when several). */
const exampleOf = (event: string, action: string): Record<string, unknown> => {
  const found = (examples.find((e) => e.name === event)?.examples ?? [])
    .filter((e) => e.action === action)
    .sort((a, b) => Object.keys(b).length - Object.keys(a).length)[0];
  if (found === undefined) throw new Error(`no example for ${event}.${action}`);
  return found;
};

/**
 * Keys of the example object missing from ours, recursively for nested objects.
 * `installation` is left out: only a GitHub App's webhooks carry it, the fake sends a repository's.
 */
const missingKeys = (example: unknown, ours: unknown, path = ''): string[] => {
  if (typeof example !== 'object' || example === null || Array.isArray(example)) return [];
  // Nullable objects (assignee, milestone) may be null in ours.
  if (ours === null) return [];
  if (typeof ours !== 'object') return [path];
  return Object.entries(example)
    .filter(([key]) => path !== '' || key !== 'installation')
    .flatMap(([key, value]) =>
      key in ours
        ? missingKeys(value, (ours as Record<string, unknown>)[key], `${path}.${key}`)
        : [`${path}.${key}`],
    );
};

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that keeps what it got. */
const startReceiver = async (): Promise<{ url: string; received: Received[]; server: Server }> => {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
};

const SECRET = 'fake-webhook-secret';

describe('GitHub fake webhooks', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let github: GitHubFake;
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${github.url}${path}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const events = () =>
    receiver.received.map((r) => ({
      event: r.headers['x-github-event'],
      payload: JSON.parse(r.body) as Record<string, unknown>,
      raw: r,
    }));

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });
  afterEach(async () => {
    await github.close();
    receiver.received.length = 0;
  });

  const openPull = async (): Promise<number> => {
    github = await startGitHubFake({
      tokens: ['bot-token'],
      users: { 'dev-token': 'alice', 'other-token': 'bob' },
      webhooks: { url: () => receiver.url, secret: SECRET },
    });
    github.state.seedRepo({ fullName: 'acme/app', files: { 'README.md': '# app\n' } });
    github.state.pushCommit('acme/app', 'main', {}, 'noop');
    const repo = github.state.repo('acme/app');
    repo?.refs.set('heads/agent/x', github.state.headOf('acme/app', 'main') as string);
    github.state.pushCommit('acme/app', 'agent/x', { 'PLAN.md': '# plan\n' }, 'plan');
    github.state.permissions.set('acme/app#alice', 'write');
    const created = await call('bot-token', 'POST', '/repos/acme/app/pulls', {
      title: 'Plan',
      head: 'agent/x',
      base: 'main',
      draft: true,
    });
    expect(created.status).toBe(201);
    await github.idle();
    return created.body.number as number;
  };

  it('sends a signed, real-shaped issue_comment for a comment made through the REST API', async () => {
    const number = await openPull();
    const comment = await call('dev-token', 'POST', `/repos/acme/app/issues/${number}/comments`, {
      body: '/agent approve',
    });
    expect(comment.status).toBe(201);
    expect(comment.body.user).toEqual({ login: 'alice' });
    await github.idle();

    const sent = events().filter((e) => e.event === 'issue_comment');
    expect(sent).toHaveLength(1);
    const [delivery] = sent;
    if (delivery === undefined) throw new Error('no delivery');
    expect(delivery.raw.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.raw.headers['user-agent']).toMatch(/^GitHub-Hookshot\//);
    expect(
      verifyGitHubSignature(Buffer.from(delivery.raw.body), delivery.raw.headers['x-hub-signature-256'], [
        SECRET,
      ]),
    ).toEqual({ ok: true });
    expect(delivery.payload).toMatchObject({
      action: 'created',
      issue: { number, pull_request: { url: expect.stringContaining(`/pulls/${number}`) } },
      comment: { body: '/agent approve', user: { login: 'alice', type: 'User' } },
      repository: { full_name: 'acme/app', owner: { login: 'acme' } },
      sender: { login: 'alice' },
    });
    expect(missingKeys(exampleOf('issue_comment', 'created'), delivery.payload)).toEqual([]);
    expect(github.deliveries.find((d) => d.event === 'issue_comment')?.status).toBe(202);
  });

  it('sends pull_request_review for a submitted review and lists its inline comments', async () => {
    const number = await openPull();
    const review = await call('dev-token', 'POST', `/repos/acme/app/pulls/${number}/reviews`, {
      event: 'REQUEST_CHANGES',
      body: 'Please rename the helper',
      comments: [{ path: 'PLAN.md', line: 1, body: 'Too vague' }],
    });
    expect(review.status).toBe(200);
    expect(review.body.state).toBe('CHANGES_REQUESTED');
    await github.idle();
    const delivery = events().find((e) => e.event === 'pull_request_review');
    expect(delivery?.payload).toMatchObject({
      action: 'submitted',
      review: { state: 'changes_requested', body: 'Please rename the helper', user: { login: 'alice' } },
      pull_request: { number, head: { ref: 'agent/x' } },
    });
    expect(missingKeys(exampleOf('pull_request_review', 'submitted'), delivery?.payload)).toEqual([]);

    const listed = await fetch(
      `${github.url}/repos/acme/app/pulls/${number}/reviews/${review.body.id as number}/comments`,
      { headers: { authorization: 'token dev-token' } },
    );
    expect(await listed.json()).toEqual([
      expect.objectContaining({ path: 'PLAN.md', line: 1, body: 'Too vague' }),
    ]);
    // GitHub's rules: a change request needs a body, and nobody reviews their own PR.
    expect(
      (
        await call('dev-token', 'POST', `/repos/acme/app/pulls/${number}/reviews`, {
          event: 'REQUEST_CHANGES',
        })
      ).status,
    ).toBe(422);
    expect(
      (await call('bot-token', 'POST', `/repos/acme/app/pulls/${number}/reviews`, { event: 'APPROVE' }))
        .status,
    ).toBe(422);
  });

  it('sends pull_request closed when a PR is closed or merged', async () => {
    const number = await openPull();
    const closed = await call('dev-token', 'PATCH', `/repos/acme/app/pulls/${number}`, { state: 'closed' });
    expect(closed.body).toMatchObject({ state: 'closed', merged: false });
    await github.idle();
    const close = events().find((e) => e.event === 'pull_request' && e.payload.action === 'closed');
    expect(close?.payload).toMatchObject({ number, pull_request: { merged: false, state: 'closed' } });
    expect(missingKeys(exampleOf('pull_request', 'closed'), close?.payload)).toEqual([]);

    expect(
      (await call('dev-token', 'PATCH', `/repos/acme/app/pulls/${number}`, { state: 'open' })).status,
    ).toBe(200);
    // Still a draft: GitHub refuses to merge it.
    expect((await call('dev-token', 'PUT', `/repos/acme/app/pulls/${number}/merge`, {})).status).toBe(405);
    const pull = github.state.pulls.find((p) => p.number === number);
    if (pull !== undefined) pull.draft = false;
    const merged = await call('dev-token', 'PUT', `/repos/acme/app/pulls/${number}/merge`, {});
    expect(merged).toMatchObject({ status: 200, body: { merged: true } });
    expect(github.state.headOf('acme/app', 'main')).toBe(merged.body.sha);
    await github.idle();
    const merge = events()
      .filter((e) => e.event === 'pull_request' && e.payload.action === 'closed')
      .at(-1);
    expect(merge?.payload).toMatchObject({ pull_request: { merged: true, merged_by: { login: 'alice' } } });
    expect(github.state.filesAt('acme/app', 'main').get('PLAN.md')).toBe('# plan\n');
  });

  it('sends nothing and acts as the bot without the new options (backwards compatible)', async () => {
    github = await startGitHubFake({ tokens: ['t'] });
    github.state.seedRepo({ fullName: 'acme/app' });
    github.state.pushCommit('acme/app', 'main', {}, 'x');
    github.state.repo('acme/app')?.refs.set('heads/f', github.state.headOf('acme/app', 'main') as string);
    github.state.pushCommit('acme/app', 'f', { a: '1' });
    await call('t', 'POST', '/repos/acme/app/pulls', { title: 't', head: 'f', base: 'main' });
    const comment = await call('t', 'POST', '/repos/acme/app/issues/1/comments', { body: 'hi' });
    expect(comment.body.user).toEqual({ login: 'agent-bot[bot]' });
    await github.idle();
    expect(github.deliveries).toEqual([]);
    expect(receiver.received).toEqual([]);
  });

  it('numbers pull requests above a floor (a sandbox restarted next to a persisted database)', async () => {
    github = await startGitHubFake({ tokens: ['t'] });
    github.state.seedRepo({ fullName: 'acme/app' });
    github.state.pullNumberFloor.set('acme/app', 7);
    github.state.pushCommit('acme/app', 'main', {}, 'x');
    github.state.repo('acme/app')?.refs.set('heads/f', github.state.headOf('acme/app', 'main') as string);
    github.state.pushCommit('acme/app', 'f', { a: '1' });
    const pull = await call('t', 'POST', '/repos/acme/app/pulls', { title: 't', head: 'f', base: 'main' });
    expect(pull.body.number).toBe(8);
  });
});

describe('Jira fake webhooks', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let jira: JiraFake;
  const owner = {
    email: 'po@example.com',
    apiToken: 'po-token',
    accountId: 'po-1',
    displayName: 'Product Owner',
  };
  const as = (user: { email: string; apiToken: string }) =>
    `Basic ${Buffer.from(`${user.email}:${user.apiToken}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${jira.url}${path}`, {
      method,
      headers: { authorization: as(owner), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
  };
  const adf = (text: string) => ({
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
  });

  beforeAll(async () => {
    receiver = await startReceiver();
    jira = await startJiraFake({
      email: 'bot@example.com',
      apiToken: 'bot-token',
      users: [owner],
      webhooks: { url: receiver.url, secret: SECRET },
    });
  });
  afterAll(async () => {
    await jira.close();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  it('creates an issue and sends the signed jira:issue_created that starts a task', async () => {
    const created = await call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'ACC' },
        summary: 'Export invoices as CSV',
        issuetype: { name: 'Story' },
        description: adf('Finance needs a CSV export.'),
        labels: ['AI'],
      },
    });
    expect(created).toMatchObject({ status: 201, body: { key: 'ACC-1' } });
    await jira.idle();
    const delivery = receiver.received.at(-1);
    if (delivery === undefined) throw new Error('no delivery');
    expect(
      verifyJiraSignature(Buffer.from(delivery.body), delivery.headers['x-hub-signature'], [SECRET]),
    ).toEqual({
      ok: true,
    });
    expect(delivery.headers['x-atlassian-webhook-identifier']).toBeDefined();
    const payload = JSON.parse(delivery.body);
    expect(payload).toMatchObject({
      webhookEvent: 'jira:issue_created',
      issue_event_type_name: 'issue_created',
      user: { displayName: 'Product Owner' },
      issue: {
        key: 'ACC-1',
        fields: {
          summary: 'Export invoices as CSV',
          description: 'Finance needs a CSV export.',
          labels: ['AI'],
          project: { key: 'ACC' },
          reporter: { displayName: 'Product Owner' },
        },
      },
    });
    expect(decideJira(payload, { triggerLabel: 'AI', allowedProjects: [] })).toMatchObject({
      kind: 'start',
      trigger: 'label',
      task: { externalKey: 'ACC-1', title: 'Export invoices as CSV' },
    });
    expect(jira.issues.get('ACC-1')?.fields.labels).toEqual(['AI']);
  });

  it('answers 400 with Jira error fields for an invalid issue', async () => {
    const invalid = await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'ACC' } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toMatchObject({
      summary: expect.any(String),
      issuetype: expect.any(String),
    });
  });

  it('sends jira:issue_updated with a changelog when the label is added later', async () => {
    await call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'ACC' }, summary: 'Later', issuetype: { name: 'Bug' } },
    });
    await jira.idle();
    const first = JSON.parse(receiver.received.at(-1)?.body ?? '{}');
    expect(decideJira(first, { triggerLabel: 'AI', allowedProjects: [] }).kind).toBe('ignore');
    expect(
      (await call('PUT', '/rest/api/3/issue/ACC-2', { update: { labels: [{ add: 'AI' }] } })).status,
    ).toBe(204);
    await jira.idle();
    const updated = JSON.parse(receiver.received.at(-1)?.body ?? '{}');
    expect(updated).toMatchObject({
      webhookEvent: 'jira:issue_updated',
      changelog: { items: [{ field: 'labels', fromString: '', toString: 'AI' }] },
    });
    expect(decideJira(updated, { triggerLabel: 'AI', allowedProjects: [] })).toMatchObject({
      kind: 'start',
      trigger: 'label',
    });
  });

  it('reports comments as issue_updated (issue_commented) by their author', async () => {
    const comment = await call('POST', '/rest/api/3/issue/ACC-1/comment', { body: adf('Any news?') });
    expect(comment.body.author).toEqual({ accountId: 'po-1', displayName: 'Product Owner' });
    await jira.idle();
    const payload = JSON.parse(receiver.received.at(-1)?.body ?? '{}');
    expect(payload).toMatchObject({
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_commented',
      comment: { body: 'Any news?' },
    });
    expect(decideJira(payload, { triggerLabel: 'AI', allowedProjects: [] }).kind).toBe('ignore');
  });
});
