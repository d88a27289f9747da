import { TaskSource, TaskStatus } from '@enterprise-agents/core/domain';
import { httpEvent, type LocalDynamo, startDynamo } from '@enterprise-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  bodyOf,
  createHarness,
  fixture,
  githubDelivery,
  githubExample,
  type Harness,
  jiraDelivery,
  SECRETS,
  sentryDelivery,
} from './support';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo();
});

afterAll(async () => {
  await dynamo.stop();
});

describe('routing and refusals', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(dynamo);
  });

  it('answers GET /health', async () => {
    const result = await h.handler(httpEvent({ method: 'GET', path: '/health' }));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 'ok' });
  });

  it('refuses unknown routes with 404 and wrong methods with 405 naming the allowed one', async () => {
    const missing = await h.handler(httpEvent({ path: '/webhooks/gitlab', body: '{}' }));
    expect(missing.statusCode).toBe(404);
    const proto = await h.handler(httpEvent({ path: '/constructor', body: '{}' }));
    expect(proto.statusCode).toBe(404);
    const wrong = await h.handler(httpEvent({ method: 'GET', path: '/webhooks/github' }));
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers?.allow).toBe('POST');
    expect(bodyOf(wrong).error).toMatch(/POST/);
  });

  it('accepts a named stage prefix and a trailing slash', async () => {
    const event = githubDelivery('ping', githubExample('ping'));
    event.rawPath = '/prod/webhooks/github/';
    event.requestContext.stage = 'prod';
    const result = await h.handler(event);
    expect(result.statusCode).toBe(200);
  });

  it('refuses a body over the limit with 413 before looking at the signature', async () => {
    const small = await createHarness(dynamo, { config: { maxBodyBytes: 2048 } });
    const payload = { ...fixture('jira-issue-created.json'), padding: 'x'.repeat(4096) };
    const result = await small.handler(jiraDelivery(payload, { secret: 'wrong' }));
    expect(result.statusCode).toBe(413);
    expect(bodyOf(result).error).toMatch(/2048 bytes/);
    expect(await small.items()).toEqual([]);
  });

  it.each([
    ['github', () => githubDelivery('ping', githubExample('ping'), { secret: 'wrong' })],
    ['jira', () => jiraDelivery(fixture('jira-issue-created.json'), { secret: 'wrong' })],
    ['sentry', () => sentryDelivery('issue', fixture('sentry-issue-created.json'), { secret: 'wrong' })],
  ])('refuses a wrong %s signature with 401 and stores nothing', async (_source, make) => {
    const result = await h.handler(make());
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ error: expect.stringMatching(/signature/) });
    expect(await h.items()).toEqual([]);
    expect(h.publisher.events).toEqual([]);
  });

  it.each([
    ['github', 'x-hub-signature-256', () => githubDelivery('ping', githubExample('ping'))],
    ['jira', 'x-hub-signature', () => jiraDelivery(fixture('jira-issue-created.json'))],
    ['sentry', 'sentry-hook-signature', () => sentryDelivery('issue', fixture('sentry-issue-created.json'))],
  ])('refuses a missing %s signature with 401', async (_source, headerName, make) => {
    const event = make();
    delete event.headers[headerName];
    const result = await h.handler(event);
    expect(result.statusCode).toBe(401);
    expect(await h.items()).toEqual([]);
  });

  it('verifies the decoded bytes of a base64 body', async () => {
    const body = JSON.stringify(githubExample('ping'));
    const signed = githubDelivery('ping', JSON.parse(body));
    const event = httpEvent({
      path: '/webhooks/github',
      headers: signed.headers as Record<string, string>,
      body,
      base64: true,
    });
    expect((await h.handler(event)).statusCode).toBe(200);
  });

  it('refuses a signed form-encoded GitHub delivery with 415 saying what to configure', async () => {
    const body = `payload=${encodeURIComponent(JSON.stringify(githubExample('ping')))}`;
    const event = githubDelivery('ping', {});
    event.body = body;
    event.headers['content-type'] = 'application/x-www-form-urlencoded';
    event.headers['x-hub-signature-256'] = (await import('@enterprise-agents/core/testing')).githubSignature(
      body,
      SECRETS.github,
    );
    const result = await h.handler(event);
    expect(result.statusCode).toBe(415);
    expect(bodyOf(result).error).toMatch(/configure the GitHub webhook to send JSON/);
  });

  it('refuses signed bodies that are not JSON objects with 400', async () => {
    const { githubSignature } = await import('@enterprise-agents/core/testing');
    for (const body of ['not json', '[1,2]', 'null', '']) {
      const event = githubDelivery('ping', {});
      event.body = body;
      event.headers['x-hub-signature-256'] = githubSignature(body, SECRETS.github);
      const result = await h.handler(event);
      expect(result.statusCode).toBe(400);
      expect(bodyOf(result).error).toMatch(/JSON/);
    }
  });

  it('refuses GitHub deliveries without event or delivery headers with 400', async () => {
    const noEvent = githubDelivery('ping', githubExample('ping'));
    delete noEvent.headers['x-github-event'];
    expect(bodyOf(await h.handler(noEvent)).error).toMatch(/X-GitHub-Event/);
    const noDelivery = githubDelivery('ping', githubExample('ping'));
    delete noDelivery.headers['x-github-delivery'];
    const result = await h.handler(noDelivery);
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toMatch(/X-GitHub-Delivery/);
  });

  it('never puts a secret or the signature in a log line', async () => {
    await h.handler(jiraDelivery(fixture('jira-issue-created.json'), { secret: 'wrong' }));
    const text = JSON.stringify(h.logLines());
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).toContain('signature rejected');
  });

  it('answers 500 without details when our side fails, and lets the retry through', async () => {
    const broken = await createHarness(dynamo);
    let failures = 1;
    const publisher = broken.publisher;
    broken.deps.publisher = {
      taskRequested: async (event) => {
        if (failures-- > 0) throw new Error('EventBridge throttled: arn:aws:events:secret-detail');
        await publisher.taskRequested(event);
      },
    };
    const handler = (await import('../src/create-handler')).createHandler(broken.deps);
    const delivery = jiraDelivery(fixture('jira-issue-created.json'), { identifier: 'retry-1' });
    const first = await handler(delivery);
    expect(first.statusCode).toBe(500);
    expect(first.body).toBe('{"error":"internal error"}');
    // Jira retries 5xx with the same identifier: the claim was released, and the
    // task that was written is published now instead of a second task being made.
    const retry = await handler(delivery);
    expect(retry.statusCode).toBe(200);
    expect(bodyOf(retry).status).toBe('in-progress');
    expect(publisher.events).toHaveLength(1);
    const tasks = await broken.tasks.listActive();
    expect(tasks).toHaveLength(1);
    expect(publisher.events[0]?.taskId).toBe(tasks[0]?.taskId);
    expect((await handler(delivery)).body).toContain('duplicate');
  });
});

describe('Jira', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(dynamo);
  });

  it('starts a task for an issue created with the AI label and publishes TaskRequested', async () => {
    const result = await h.handler(jiraDelivery(fixture('jira-issue-created.json')));
    expect(result.statusCode).toBe(202);
    const body = bodyOf(result);
    expect(body.status).toBe('accepted');
    const task = await h.tasks.get(String(body.taskId));
    expect(task).toMatchObject({
      source: 'jira',
      externalKey: 'PAY-42',
      title: 'Reject refunds larger than the original charge',
      status: TaskStatus.Queued,
      context: {
        key: 'PAY-42',
        url: 'https://acme.atlassian.net/browse/PAY-42',
        labels: ['AI', 'backend'],
        description: expect.stringContaining('answer 422'),
        jira: { projectKey: 'PAY', issueType: 'Story', reporter: 'Mia Krystof' },
      },
    });
    expect(h.publisher.events).toContainEqual({
      taskId: task?.taskId,
      runId: 1,
      source: 'jira',
      kind: 'new',
    });
    const events = await h.timeline.list(String(body.taskId));
    expect(events.map((e) => e.type)).toEqual(['task.created']);
  });

  it('answers a redelivery with duplicate and changes nothing', async () => {
    const delivery = jiraDelivery(fixture('jira-issue-created.json'), { identifier: 'jira-dup-1' });
    const payload = fixture('jira-issue-created.json');
    (payload.issue as { key: string }).key = 'PAY-77';
    const event = jiraDelivery(payload, { identifier: 'jira-dup-1' });
    const first = await h.handler(event);
    expect(first.statusCode).toBe(202);
    const before = await h.items();
    const published = h.publisher.events.length;
    const second = await h.handler(event);
    expect(second.statusCode).toBe(200);
    expect(bodyOf(second).status).toBe('duplicate');
    expect(await h.items()).toEqual(before);
    expect(h.publisher.events).toHaveLength(published);
    expect(delivery.headers['x-atlassian-webhook-identifier']).toBe('jira-dup-1');
  });

  it('answers "already in progress" for a new trigger while the task runs, and starts anew after it ended', async () => {
    const payload = fixture('jira-issue-created.json');
    (payload.issue as { key: string }).key = 'PAY-100';
    const first = bodyOf(await h.handler(jiraDelivery(payload)));
    const again = await h.handler(jiraDelivery(payload));
    expect(bodyOf(again)).toMatchObject({ status: 'in-progress', taskId: first.taskId });
    expect(String(bodyOf(again).reason)).toMatch(/already in progress/);
    await h.tasks.transition(String(first.taskId), TaskStatus.Completed);
    const later = bodyOf(await h.handler(jiraDelivery(payload)));
    expect(later.status).toBe('accepted');
    expect(later.taskId).not.toBe(first.taskId);
  });

  it('starts a task when the label was just added (changelog), with the ADF description as text', async () => {
    const result = await h.handler(jiraDelivery(fixture('jira-issue-updated-label.json')));
    expect(result.statusCode).toBe(202);
    const task = await h.tasks.get(String(bodyOf(result).taskId));
    expect(task?.context.description).toBe(
      'Refunding `¥101` refunds ¥100.\n\n- seen in prod\n- reported by @Ana',
    );
  });

  it('ignores an update to an issue that already had the label', async () => {
    const payload = fixture('jira-issue-updated-label.json');
    (payload.changelog as { items: unknown[] }).items = [
      {
        field: 'summary',
        fieldtype: 'jira',
        fieldId: 'summary',
        from: null,
        fromString: 'a',
        to: null,
        toString: 'b',
      },
    ];
    const result = await h.handler(jiraDelivery(payload));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/neither added/),
    });
  });

  it('starts a task when the issue is assigned to the bot', async () => {
    const payload = fixture('jira-issue-updated-label.json');
    (payload.issue as { key: string }).key = 'PAY-200';
    (payload.changelog as { items: unknown[] }).items = [
      {
        field: 'assignee',
        fieldtype: 'jira',
        fieldId: 'assignee',
        from: null,
        fromString: null,
        to: '712020:bot-account-id',
        toString: 'Agent Bot',
      },
    ];
    const result = await h.handler(jiraDelivery(payload));
    expect(bodyOf(result).status).toBe('accepted');
  });

  it('ignores projects outside JIRA_ALLOWED_PROJECTS and other events', async () => {
    const limited = await createHarness(dynamo, {
      config: { jira: { triggerLabel: 'AI', allowedProjects: ['OPS'] } },
    });
    const result = await limited.handler(jiraDelivery(fixture('jira-issue-created.json')));
    expect(bodyOf(result)).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/PAY is not in/),
    });
    const deleted = { ...fixture('jira-issue-created.json'), webhookEvent: 'jira:issue_deleted' };
    expect(bodyOf(await limited.handler(jiraDelivery(deleted))).status).toBe('ignored');
    expect(await limited.items()).toEqual([]);
  });

  it('refuses a created event without an issue key with 400', async () => {
    const payload = fixture('jira-issue-created.json');
    delete (payload.issue as Record<string, unknown>).key;
    const result = await h.handler(jiraDelivery(payload));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toMatch(/issue\.key/);
  });

  it('lets exactly one of many concurrent identical deliveries through', async () => {
    const payload = fixture('jira-issue-created.json');
    (payload.issue as { key: string }).key = 'PAY-300';
    const event = jiraDelivery(payload, { identifier: 'concurrent-1' });
    const results = await Promise.all(Array.from({ length: 8 }, () => h.handler(structuredClone(event))));
    const statuses = results.map((r) => bodyOf(r).status);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(7);
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
    expect(results.every((r) => (r.statusCode ?? 0) < 300)).toBe(true);
  });

  it('starts one task for concurrent different deliveries about the same issue', async () => {
    const payload = fixture('jira-issue-created.json');
    (payload.issue as { key: string }).key = 'PAY-301';
    const results = await Promise.all(Array.from({ length: 5 }, () => h.handler(jiraDelivery(payload))));
    const statuses = results.map((r) => bodyOf(r).status).sort();
    expect(statuses).toEqual(['accepted', 'in-progress', 'in-progress', 'in-progress', 'in-progress']);
    const active = (await h.tasks.listActive(100)).filter((t) => t.externalKey === 'PAY-301');
    expect(active).toHaveLength(1);
  });
});

describe('Sentry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(dynamo);
  });

  it('starts a bug-fix task for a new issue', async () => {
    const result = await h.handler(sentryDelivery('issue', fixture('sentry-issue-created.json')));
    expect(result.statusCode).toBe(202);
    const task = await h.tasks.get(String(bodyOf(result).taskId));
    expect(task).toMatchObject({
      source: TaskSource.Sentry,
      externalKey: '1170820242',
      title: 'ReferenceError: blooopy is not defined',
      context: {
        key: 'FRONT-END-9',
        sentry: {
          issueId: '1170820242',
          shortId: 'FRONT-END-9',
          culprit: '?(runner)',
          level: 'error',
          projectSlug: 'front-end',
          frames: [],
        },
      },
    });
  });

  it('dedupes Sentry retries on resource + action + issue id (Request-ID changes per retry)', async () => {
    const payload = fixture('sentry-issue-created.json');
    ((payload.data as Record<string, Record<string, unknown>>).issue as Record<string, unknown>).id = '555';
    const first = await h.handler(sentryDelivery('issue', payload));
    const retry = await h.handler(sentryDelivery('issue', payload));
    expect(bodyOf(first).status).toBe('accepted');
    expect(bodyOf(retry).status).toBe('duplicate');
  });

  it('starts a task from an issue alert with the top in-app frames, most recent first', async () => {
    const payload = fixture('sentry-event-alert.json');
    const event = (payload.data as Record<string, Record<string, unknown>>).event as Record<string, unknown>;
    const frames = (
      (event.exception as { values: { stacktrace: { frames: Record<string, unknown>[] } }[] }).values[0] as {
        stacktrace: { frames: Record<string, unknown>[] };
      }
    ).stacktrace.frames;
    frames.push(
      { filename: 'src/refunds.ts', function: 'validate', lineno: 10, in_app: true, context_line: 'x()' },
      { filename: 'src/refunds.ts', function: 'refund', lineno: 42, in_app: true },
    );
    const result = await h.handler(sentryDelivery('event_alert', payload));
    expect(result.statusCode).toBe(202);
    const task = await h.tasks.get(String(bodyOf(result).taskId));
    expect(task?.externalKey).toBe('1117540176');
    expect(task?.context.sentry?.projectSlug).toBe('front-end');
    expect(task?.context.sentry?.frames.map((f) => `${f.function ?? ''}@${f.filename}:${f.lineno}`)).toEqual([
      'refund@src/refunds.ts:42',
      'validate@src/refunds.ts:10',
      '@<anonymous>:3',
      '@/js/prod/runner-4.1.7.min.js:1',
      '@/js/prod/runner-4.1.7.min.js:1',
    ]);
    // A second alert for the same issue while its task runs does not start another.
    const second = fixture('sentry-event-alert.json');
    ((second.data as Record<string, Record<string, unknown>>).event as Record<string, unknown>).event_id =
      'f'.repeat(32);
    const again = await h.handler(sentryDelivery('event_alert', second));
    expect(bodyOf(again)).toMatchObject({ status: 'in-progress', taskId: bodyOf(result).taskId });
  });

  it('ignores issues below SENTRY_MIN_LEVEL, other actions and resources; acknowledges installation', async () => {
    const payload = fixture('sentry-issue-created.json');
    ((payload.data as Record<string, Record<string, unknown>>).issue as Record<string, unknown>).level =
      'warning';
    expect(bodyOf(await h.handler(sentryDelivery('issue', payload)))).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/below SENTRY_MIN_LEVEL error/),
    });
    const resolved = { ...fixture('sentry-issue-created.json'), action: 'resolved' };
    expect(bodyOf(await h.handler(sentryDelivery('issue', resolved))).status).toBe('ignored');
    expect(
      bodyOf(await h.handler(sentryDelivery('metric_alert', { action: 'critical', data: {} }))).status,
    ).toBe('ignored');
    const installation = {
      action: 'created',
      data: { installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de', status: 'installed' } },
      installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
      actor: { id: 1, name: 'Ana', type: 'user' },
    };
    const ack = await h.handler(sentryDelivery('installation', installation));
    expect(ack.statusCode).toBe(200);
    expect(bodyOf(ack).status).toBe('ok');
  });

  it('refuses a delivery without Sentry-Hook-Resource or without an issue id with 400', async () => {
    const noResource = sentryDelivery('issue', fixture('sentry-issue-created.json'));
    delete noResource.headers['sentry-hook-resource'];
    expect((await h.handler(noResource)).statusCode).toBe(400);
    const noId = fixture('sentry-issue-created.json');
    delete ((noId.data as Record<string, Record<string, unknown>>).issue as Record<string, unknown>).id;
    const result = await h.handler(sentryDelivery('issue', noId));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toMatch(/data\.issue\.id/);
  });
});
