import { type NewTask, TaskRepository, TimelineRepository } from '@enterprise-agents/core/db';
import { type Task, TaskSource } from '@enterprise-agents/core/domain';
import { adfToText } from '@enterprise-agents/core/jira';
import { captureLogger, type LocalDynamo, silentLogger, startDynamo } from '@enterprise-agents/core/testing';
import { type JiraFake, startJiraFake } from '@enterprise-agents/fakes/jira';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import commentOnIssueSchema from '../../../schemas/step-functions/commentOnIssue.json' with { type: 'json' };
import { DynamoTaskReader } from '../src/adapters/dynamo-task-reader';
import { JiraRestClient } from '../src/adapters/jira-rest';
import { createHandler, type JiraActionsDeps } from '../src/create-handler';
import { commentMarker, FinalKind, finalCommentBody, parseCommentOnIssue } from '../src/domain/final-comment';

describe('jira-actions commentOnIssue (Step Functions task)', () => {
  let fake: JiraFake;
  let dynamo: LocalDynamo;
  let tasks: TaskRepository;
  let timeline: TimelineRepository;
  let deps: JiraActionsDeps;
  let handler: ReturnType<typeof createHandler>;
  let credentials = { email: 'bot@example.com', apiToken: 'jira-token' };
  let n = 0;

  const newTask = async (input: Partial<NewTask> = {}): Promise<Task> => {
    n += 1;
    const key = `PROJ-${n}`;
    const result = await tasks.createIfNoActive({
      source: TaskSource.Jira,
      externalKey: key,
      title: 'Add rate limiting',
      context: { key, title: 'Add rate limiting' },
      ...input,
    });
    if (!result.created) throw new Error('task exists');
    if (result.task.source === TaskSource.Jira && result.task.externalKey.startsWith('PROJ-'))
      fake.seedIssue({ key: result.task.externalKey, summary: 'Add rate limiting' });
    return result.task;
  };
  const commentsOn = (key: string) => fake.issues.get(key)?.comments ?? [];
  const jiraWrites = async (taskId: string) =>
    (await timeline.list(taskId)).filter((e) => e.type === 'jira.write');
  const postCount = () => fake.requests.filter((r) => r.method === 'POST').length;

  beforeAll(async () => {
    fake = await startJiraFake();
    dynamo = await startDynamo();
    tasks = new TaskRepository(dynamo.table);
    timeline = new TimelineRepository(dynamo.table);
    fake.seedIssue({ key: 'OTHER-1', summary: 'outside the allowlist' });
    deps = {
      jira: new JiraRestClient({
        baseUrl: fake.url,
        credentials: async () => credentials,
        sleep: async () => undefined,
      }),
      audit: timeline,
      // The production reader (one GetItem), over the same table the repository writes.
      tasks: new DynamoTaskReader(dynamo.table),
      baseUrl: 'https://acme.atlassian.net',
      allowedProjects: ['PROJ'],
      logger: silentLogger(),
    };
    handler = createHandler(deps);
  });
  afterAll(async () => {
    await fake.close();
    await dynamo.stop();
  });

  it('posts one ADF comment on a completed run: outcome, PR link, CI summary, marker; records jira.write', async () => {
    const task = await newTask({ prUrl: 'https://github.com/acme/app/pull/7' });
    const result = await handler({
      action: 'commentOnIssue',
      taskId: task.taskId,
      runId: 1,
      kind: 'completed',
      prUrl: 'https://github.com/acme/app/pull/7',
      summary: 'CI passed on aaaaaaa: ci (success)',
      reason: 'CI passed on aaaaaaa: ci (success)',
    });
    expect(result).toMatchObject({ status: 'posted', issueKey: task.externalKey });
    const [comment] = commentsOn(task.externalKey);
    expect(commentsOn(task.externalKey)).toHaveLength(1);
    // The fake rejects anything that is not an ADF doc (400), so reaching here means Jira would accept it.
    expect(adfToText(comment?.body)).toBe(
      [
        'Ready for review: CI passed on the pull request. It stays a draft until a person reviews and merges it.',
        'Pull request: https://github.com/acme/app/pull/7',
        'CI: CI passed on aaaaaaa: ci (success)',
        `Enterprise Agents · \`${commentMarker(task.taskId, 1, 'completed')}\``,
      ].join('\n\n'),
    );
    const link = JSON.stringify(comment?.body);
    expect(link).toContain('"href":"https://github.com/acme/app/pull/7"');
    const writes = await jiraWrites(task.taskId);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.data).toMatchObject({
      operation: 'commentOnIssue',
      issueKey: task.externalKey,
      commentId: comment?.id,
      runId: 1,
      kind: 'completed',
    });
  });

  it('is idempotent: a retried invocation finds its marker and posts nothing; a new run comments again', async () => {
    const task = await newTask({ prUrl: 'https://github.com/acme/app/pull/8' });
    const payload = { action: 'commentOnIssue', taskId: task.taskId, runId: 1, kind: 'completed' };
    const first = (await handler(payload)) as { commentId: string };
    const posts = postCount();
    const again = await handler(payload);
    expect(again).toEqual({ status: 'exists', issueKey: task.externalKey, commentId: first.commentId });
    expect(postCount()).toBe(posts);
    expect(commentsOn(task.externalKey)).toHaveLength(1);
    expect(await jiraWrites(task.taskId)).toHaveLength(1);
    // Another outcome or run is another comment.
    expect(await handler({ ...payload, runId: 2 })).toMatchObject({ status: 'posted' });
    expect(commentsOn(task.externalKey)).toHaveLength(2);
  });

  it('finds the marker even when people commented after it', async () => {
    const task = await newTask();
    const payload = { action: 'commentOnIssue', taskId: task.taskId, runId: 1, kind: 'escalated' };
    await handler(payload);
    for (let i = 0; i < 12; i += 1)
      fake.issues.get(task.externalKey)?.comments.push({
        id: `9${i}`,
        author: { accountId: 'u', displayName: 'Ana' },
        body: {
          type: 'doc',
          version: 1,
          content: [{ type: 'paragraph', content: [{ type: 'text', text: `c${i}` }] }],
        },
        created: new Date().toISOString(),
      });
    expect(await handler(payload)).toMatchObject({ status: 'exists' });
    expect(commentsOn(task.externalKey)).toHaveLength(13);
  });

  it('escalated and rejected: the reason (multi-line, links) and the task PR when the payload has none', async () => {
    const task = await newTask({ prUrl: 'https://github.com/acme/app/pull/9' });
    await handler({
      action: 'commentOnIssue',
      taskId: task.taskId,
      runId: 1,
      kind: 'escalated',
      reason: 'CI still failing after 3 fix attempt(s)\nsee https://github.com/acme/app/actions/runs/5',
    });
    const escalated = commentsOn(task.externalKey).at(-1)?.body;
    expect(adfToText(escalated)).toContain('Needs a human: the agents stopped working on this issue');
    expect(adfToText(escalated)).toContain('Pull request: https://github.com/acme/app/pull/9');
    expect(adfToText(escalated)).toContain(
      'Reason: CI still failing after 3 fix attempt(s)\nsee https://github.com/acme/app/actions/runs/5',
    );
    expect(JSON.stringify(escalated)).toContain('"href":"https://github.com/acme/app/actions/runs/5"');

    await tasks.transition(task.taskId, 'REJECTED', { patch: { statusReason: 'Out of scope this quarter' } });
    await handler({ action: 'commentOnIssue', taskId: task.taskId, runId: 1, kind: 'rejected' });
    const rejected = adfToText(commentsOn(task.externalKey).at(-1)?.body);
    expect(rejected).toContain('Plan rejected: no code will be written for this plan.');
    expect(rejected).toContain('Plan: https://github.com/acme/app/pull/9');
    expect(rejected).toContain('Reason: Out of scope this quarter');
  });

  it('never links a non-web PR URL and clips a huge reason', () => {
    const body = finalCommentBody({
      kind: 'escalated',
      marker: 'ea:t:1:escalated',
      prUrl: 'javascript:alert(1)',
      reason: 'x'.repeat(10_000),
    });
    const text = adfToText(body);
    expect(text).not.toContain('javascript');
    expect(text.length).toBeLessThan(2_000);
  });

  it('skips tasks that are not from Jira and projects outside JIRA_ALLOWED_PROJECTS, without calling Jira', async () => {
    const sentry = await newTask({ source: TaskSource.Sentry, externalKey: '1170820242' });
    const other = await newTask({ externalKey: 'OTHER-1' });
    const before = fake.requests.length;
    expect(
      await handler({ action: 'commentOnIssue', taskId: sentry.taskId, runId: 1, kind: 'completed' }),
    ).toEqual({ status: 'skipped', reason: 'task source is sentry' });
    expect(
      await handler({ action: 'commentOnIssue', taskId: other.taskId, runId: 1, kind: 'completed' }),
    ).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/project OTHER/) });
    expect(fake.requests.length).toBe(before);
  });

  it.each([
    [
      {},
      /^commentOnIssue\.taskId must be a non-empty string of at most 100 characters; commentOnIssue\.runId must be a positive integer; commentOnIssue\.kind must be one of completed, escalated, rejected$/,
    ],
    [{ taskId: 't', runId: '1', kind: 'completed' }, /^commentOnIssue\.runId must be a positive integer$/],
    [
      { taskId: 't', runId: 1, kind: 'done' },
      /^commentOnIssue\.kind must be one of completed, escalated, rejected$/,
    ],
    [{ taskId: ' ', runId: 1, kind: 'completed' }, /^commentOnIssue\.taskId must be a non-empty string/],
    [{ taskId: 'x'.repeat(101), runId: 1, kind: 'completed' }, /taskId must be .* at most 100 characters/],
    [{ taskId: 't', runId: 1, kind: 'completed', reason: 42 }, /^commentOnIssue\.reason must be a string$/],
  ])('refuses the malformed payload %p with a clear InvalidPayload error', async (fields, message) => {
    await expect(handler({ action: 'commentOnIssue', ...fields })).rejects.toMatchObject({
      name: 'InvalidPayload',
      message: expect.stringMatching(message),
    });
  });

  it('reads blank or null optional texts as absent (the task’s PR and reason apply) and drops unknown fields', () => {
    expect(commentOnIssueSchema.properties.kind.enum).toEqual(Object.values(FinalKind));
    expect(
      parseCommentOnIssue({
        action: 'commentOnIssue',
        taskId: 't',
        runId: 2,
        kind: 'escalated',
        prUrl: null,
        reason: '  ',
        issueKey: 'PROJ-1',
        summary: 'CI green',
        extra: 1,
      }),
    ).toEqual({
      action: 'commentOnIssue',
      taskId: 't',
      runId: 2,
      kind: 'escalated',
      issueKey: 'PROJ-1',
      summary: 'CI green',
    });
  });

  it('refuses an unknown task, an issueKey that is not the task’s, and events it does not know', async () => {
    await expect(
      handler({ action: 'commentOnIssue', taskId: 'nope', runId: 1, kind: 'completed' }),
    ).rejects.toMatchObject({ name: 'TaskNotFound' });
    const task = await newTask();
    await expect(
      handler({
        action: 'commentOnIssue',
        taskId: task.taskId,
        runId: 1,
        kind: 'completed',
        issueKey: 'PROJ-999',
      }),
    ).rejects.toThrow(/is not the task's issue/);
    expect(commentsOn(task.externalKey)).toHaveLength(0);
    await expect(handler({ action: 'transitionEverything' })).rejects.toThrow(
      /unsupported event \(action "transitionEverything"\).*commentOnIssue/,
    );
    await expect(handler('x')).rejects.toThrow(/unsupported event/);
  });

  it('a Jira outage is JiraUnavailable (state machine retries it, then no duplicate); refusals are JiraRefused without secrets', async () => {
    const task = await newTask();
    const payload = { action: 'commentOnIssue', taskId: task.taskId, runId: 1, kind: 'rejected' };
    fake.failNext(1, 500, 'POST');
    await expect(handler(payload)).rejects.toMatchObject({
      name: 'JiraUnavailable',
      message: `Jira answered 500 for the comment on ${task.externalKey}`,
    });
    expect(commentsOn(task.externalKey)).toHaveLength(0);
    expect(await jiraWrites(task.taskId)).toHaveLength(0);
    // The Step Functions Retry: posts exactly once.
    expect(await handler(payload)).toMatchObject({ status: 'posted' });
    expect(await handler(payload)).toMatchObject({ status: 'exists' });
    expect(commentsOn(task.externalKey)).toHaveLength(1);

    const other = await newTask();
    credentials = { email: 'bot@example.com', apiToken: 'wrong-token' };
    try {
      const error = (await handler({ ...payload, taskId: other.taskId }).catch((e: unknown) => e)) as Error;
      expect(error.name).toBe('JiraRefused');
      expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/wrong-token|Basic/);
    } finally {
      credentials = { email: 'bot@example.com', apiToken: 'jira-token' };
    }
  });

  it('logs a failure (the state machine swallows it) and needs the task table', async () => {
    const task = await newTask();
    const { logger, lines } = captureLogger();
    // Reading the comments fails on the first try and on every client-side retry.
    fake.failNext(4, 503);
    await expect(
      createHandler({ ...deps, logger })({
        action: 'commentOnIssue',
        taskId: task.taskId,
        runId: 1,
        kind: 'completed',
      }),
    ).rejects.toMatchObject({ name: 'JiraUnavailable' });
    expect(lines().some((l) => l.msg === 'final jira comment failed' && l.taskId === task.taskId)).toBe(true);
    expect(JSON.stringify(lines())).not.toContain('jira-token');

    const { tasks: _t, ...withoutTasks } = deps;
    await expect(
      createHandler(withoutTasks)({
        action: 'commentOnIssue',
        taskId: task.taskId,
        runId: 1,
        kind: 'completed',
      }),
    ).rejects.toMatchObject({ name: 'ConfigError' });
  });
});
