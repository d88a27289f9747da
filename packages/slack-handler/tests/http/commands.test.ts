import { TaskStatus } from '@enterprise-agents/core/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  APPROVER,
  awaitApproval,
  type Harness,
  STRANGER,
  seedTask,
  signedForm,
  slashCommand,
  startHarness,
} from '../harness';

describe('/agent commands', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());
  beforeEach(() => {
    h.slack.reset();
    h.callback.successes.length = 0;
    h.callback.failures.length = 0;
  });

  const command = async (text: string, user = APPROVER, responseId?: string) => {
    const result = await h.http(
      signedForm('/slack/commands', slashCommand(text, user, h.slack.responseUrl(responseId))),
    );
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(String(result.body)) as {
      response_type: string;
      text: string;
      blocks: unknown[];
    };
    expect(body.response_type).toBe('ephemeral');
    return { body, all: `${body.text} ${JSON.stringify(body.blocks)}` };
  };

  it('list shows the active tasks only', async () => {
    const active = await seedTask(h);
    const done = await seedTask(h);
    await h.tasks.transition(done.taskId, TaskStatus.Completed);
    const { all } = await command('list');
    expect(all).toContain(active.externalKey);
    expect(all).not.toContain(done.externalKey);
    // Titles are untrusted: Slack control characters are escaped.
    expect(all).toContain('&lt;b&gt;login&lt;/b&gt;');
  });

  it('status shows status, PR, attempts, cost and the latest events', async () => {
    const task = await seedTask(h, {
      repo: 'acme/api',
      prNumber: 9,
      prUrl: 'https://github.com/acme/api/pull/9',
    });
    await h.costs.record({
      taskId: task.taskId,
      agent: 'planning',
      model: 'm',
      inputTokens: 1000,
      outputTokens: 500,
      usd: 0.42,
    });
    await h.timeline.append(task.taskId, { type: 'step.planning', message: 'Planning started' });
    const { all } = await command(`status ${task.externalKey.toLowerCase()}`);
    expect(all).toContain('QUEUED');
    expect(all).toContain('<https://github.com/acme/api/pull/9|acme/api#9>');
    expect(all).toContain('0 of 3');
    expect(all).toContain('$0.42');
    expect(all).toContain('Planning started');
    const byId = await command(`status ${task.taskId}`);
    expect(byId.all).toContain(task.externalKey);
  });

  it('status of an unknown task says so', async () => {
    const { all } = await command('status NOPE-1');
    expect(all).toContain('No task found for `NOPE-1`');
  });

  it('cost shows daily totals and the tasks that spent', async () => {
    const task = await seedTask(h);
    await h.costs.record({
      taskId: task.taskId,
      agent: 'execution',
      model: 'm',
      inputTokens: 10,
      outputTokens: 10,
      usd: 1.5,
    });
    const { all } = await command('cost 3');
    expect(all).toContain('LLM cost, last 3 day(s)');
    expect(all).toContain(new Date().toISOString().slice(0, 10));
    expect(all).toContain(task.externalKey);
    expect(all).toContain('$1.50');
  });

  it('approve answers at once and approves asynchronously through the response_url', async () => {
    const task = await seedTask(h);
    const { taskToken } = await awaitApproval(h, task);
    const { all } = await command(`approve ${task.externalKey}`, APPROVER, 'c1');
    expect(all).toContain(`Approving ${task.externalKey}`);
    expect(h.callback.successes).toEqual([
      { taskToken, output: { approved: true, by: APPROVER, via: 'slack' } },
    ]);
    expect(String(h.slack.responses('c1')[0]?.body.text)).toContain('You approved the plan');
    // The original approval message shows the decision too.
    const approval = await h.approvals.get(task.taskId);
    const message = h.slack.messages().find((m) => m.ts === approval?.messageTs);
    expect(JSON.stringify(message?.blocks)).toContain('Approved by');
  });

  it('reject with a reason fails the token with Rejected', async () => {
    const task = await seedTask(h);
    const { taskToken } = await awaitApproval(h, task);
    await command(`reject ${task.externalKey} scope is too big`, APPROVER, 'c2');
    expect(h.callback.failures).toEqual([{ taskToken, error: 'Rejected', cause: 'scope is too big' }]);
    const again = await command(`approve ${task.externalKey}`, APPROVER, 'c3');
    expect(again.all).toContain('Approving');
    expect(h.callback.successes).toHaveLength(0);
    expect(String(h.slack.responses('c3')[0]?.body.text)).toContain('already rejected');
  });

  it('approve of a task that is not waiting says so', async () => {
    const task = await seedTask(h);
    await command(`approve ${task.externalKey}`, APPROVER, 'c4');
    expect(h.callback.successes).toHaveLength(0);
    expect(String(h.slack.responses('c4')[0]?.body.text)).toContain('is not waiting for approval');
  });

  it.each(['approve', 'reject', 'stop'])(
    '%s by someone who is not an approver is refused at once',
    async (verb) => {
      const task = await seedTask(h);
      await awaitApproval(h, task);
      const jobs = h.followUps.jobs.length;
      const { all } = await command(`${verb} ${task.externalKey}`, STRANGER);
      expect(all).toContain('Not allowed');
      expect(h.followUps.jobs).toHaveLength(jobs);
      expect(h.callback.successes).toHaveLength(0);
      expect(h.callback.failures).toHaveLength(0);
      expect((await h.tasks.get(task.taskId))?.status).toBe(TaskStatus.AwaitingApproval);
    },
  );

  it('stop cancels the task, stops its execution and notes it in the thread', async () => {
    const task = await seedTask(h);
    await h.tasks.claim(task.taskId, task.runId, 'arn:aws:states:us-east-1:1:execution:sm:run-1');
    await command(`stop ${task.externalKey}`, APPROVER, 'c5');
    expect((await h.tasks.get(task.taskId))?.status).toBe(TaskStatus.Cancelled);
    expect(h.executions.stopped).toContainEqual({
      executionArn: 'arn:aws:states:us-east-1:1:execution:sm:run-1',
      reason: `Stopped from Slack by ${APPROVER}`,
    });
    expect(String(h.slack.responses('c5')[0]?.body.text)).toContain('Stopped');
    const thread = await h.threads.get(task.taskId);
    expect(JSON.stringify(h.slack.thread(thread?.channel ?? '', thread?.threadTs ?? ''))).toContain(
      'Stopped by',
    );
    await command(`stop ${task.externalKey}`, APPROVER, 'c6');
    expect(String(h.slack.responses('c6')[0]?.body.text)).toContain('is not active');
  });

  it('run starts a task once and publishes TaskRequested; a second run says it is in progress', async () => {
    const before = h.publisher.events.length;
    await command('run ops-42', APPROVER, 'c7');
    const task = await h.tasks.findByExternalKey('jira', 'OPS-42');
    expect(task).toMatchObject({ source: 'jira', externalKey: 'OPS-42', title: 'OPS-42', status: 'QUEUED' });
    expect(h.publisher.events.slice(before)).toEqual([
      { taskId: task?.taskId, runId: 1, source: 'jira', kind: 'new' },
    ]);
    expect(String(JSON.stringify(h.slack.responses('c7')[0]?.body))).toContain('Started a task for *OPS-42*');
    await command('run OPS-42', APPROVER, 'c8');
    // The task is still QUEUED (no workflow runs here), so the same run is published again, never a new one.
    const published = h.publisher.events.slice(before);
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual(published[0]);
    expect(String(h.slack.responses('c8')[0]?.body.text)).toContain('already has an active task');
    const events = await h.timeline.list(task?.taskId ?? '');
    expect(events[0]).toMatchObject({ type: 'task.created', actor: APPROVER });
  });

  it('when Slack cannot tell who is an approver, the command answers with a generic message, not the error', async () => {
    const task = await seedTask(h);
    h.slack.fail({ method: 'usergroups.users.list', times: 10, error: 'internal_error' });
    const { all } = await command(`stop ${task.externalKey}`, 'U0GROUPIE', 'c9');
    expect(all).toContain('Something went wrong');
    expect(all).not.toContain('internal_error');
    expect((await h.tasks.get(task.taskId))?.status).toBe(TaskStatus.Queued);
  });
});
