import { TaskStatus } from '@enterprise-agents/core/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  awaitApproval,
  DEFAULT_CHANNEL,
  type Harness,
  PROJECT_CHANNEL,
  REPO_CHANNEL,
  seedTask,
  startHarness,
} from './harness';

describe('Step Functions tasks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());
  beforeEach(() => {
    h.slack.reset();
    h.waits.length = 0;
  });

  describe('requestApproval', () => {
    it('stores the token, marks the task waiting and posts the plan with buttons into the task thread', async () => {
      const task = await seedTask(h);
      const { taskToken, result } = await awaitApproval(h, task);
      expect(result).toMatchObject({ posted: true, channel: PROJECT_CHANNEL });
      const approval = await h.approvals.get(task.taskId);
      expect(approval).toMatchObject({ taskToken, runId: 1, channel: PROJECT_CHANNEL });
      expect((await h.tasks.get(task.taskId))?.status).toBe(TaskStatus.AwaitingApproval);
      const thread = await h.threads.get(task.taskId);
      const messages = h.slack.thread(PROJECT_CHANNEL, thread?.threadTs ?? '');
      expect(messages).toHaveLength(2);
      const request = messages[1];
      expect(request?.ts).toBe(approval?.messageTs);
      expect(request?.replyBroadcast).toBe(true);
      const blocks = JSON.stringify(request?.blocks);
      for (const text of [
        'Add input validation',
        'acme/api#7',
        'acme/web',
        '3 files, ~120 lines',
        'approve_plan',
        'reject_plan',
      ])
        expect(blocks).toContain(text);
      // The token never leaves our side: buttons carry the task and run only.
      expect(blocks).not.toContain(taskToken);
    });

    it('a retried invocation with the same token does not post twice', async () => {
      const task = await seedTask(h);
      const first = await awaitApproval(h, task);
      const second = await awaitApproval(h, task);
      expect(second.result).toMatchObject({ posted: true, duplicate: true });
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(2);
      expect(first.taskToken).toBe(second.taskToken);
    });

    it('does not ask for a stale run', async () => {
      const task = await seedTask(h);
      const result = await h.handler({
        action: 'requestApproval',
        taskToken: 't',
        taskId: task.taskId,
        runId: 9,
        plan: { summary: 's' },
      });
      expect(result).toMatchObject({ posted: false });
      expect(h.slack.calls).toHaveLength(0);
    });

    it('when Slack is down it records slack.failed and returns without throwing', async () => {
      const task = await seedTask(h);
      h.slack.fail({ status: 503, times: 20 });
      const { result } = await awaitApproval(h, task);
      expect(result).toMatchObject({ posted: false });
      expect((await h.approvals.get(task.taskId))?.taskToken).toBeDefined();
      const events = await h.timeline.list(task.taskId);
      expect(events.find((e) => e.type === 'slack.failed')?.message).toContain(
        `/agent approve ${task.externalKey}`,
      );
    });

    it('rejects a payload without a token with InvalidPayload', async () => {
      await expect(
        h.handler({ action: 'requestApproval', taskId: 'x', runId: 1, plan: {} }),
      ).rejects.toMatchObject({
        name: 'InvalidPayload',
        message: 'requestApproval.taskToken must be a non-empty string',
      });
    });
  });

  describe('notify', () => {
    it('creates the thread with the first message and puts every later one into it', async () => {
      const task = await seedTask(h);
      const first = await h.handler({
        action: 'notify',
        taskId: task.taskId,
        kind: 'plan_ready',
        runId: 1,
        summary: 'Plan',
      });
      const second = await h.handler({
        action: 'notify',
        taskId: task.taskId,
        kind: 'execution_started',
        runId: 1,
      });
      expect(first).toMatchObject({ delivered: true, channel: PROJECT_CHANNEL });
      expect(second).toMatchObject({ delivered: true, channel: PROJECT_CHANNEL });
      const thread = await h.threads.get(task.taskId);
      expect(h.slack.messages(PROJECT_CHANNEL).filter((m) => m.threadTs === undefined)).toHaveLength(1);
      expect(h.slack.thread(PROJECT_CHANNEL, thread?.threadTs ?? '')).toHaveLength(3);
      expect((await h.timeline.list(task.taskId)).filter((e) => e.type === 'slack.notify')).toHaveLength(2);
    });

    it('picks the channel per repository, then the default', async () => {
      const byRepo = await seedTask(h, {
        source: 'sentry',
        externalKey: `API-${Date.now()}`,
        repo: 'Acme/API',
        context: { key: 'k', title: 't' },
      });
      const fallback = await seedTask(h, {
        source: 'sentry',
        externalKey: `X-${Date.now()}`,
        context: { key: 'k', title: 't' },
      });
      expect(
        await h.handler({ action: 'notify', taskId: byRepo.taskId, kind: 'execution_started' }),
      ).toMatchObject({ channel: REPO_CHANNEL });
      expect(
        await h.handler({ action: 'notify', taskId: fallback.taskId, kind: 'execution_started' }),
      ).toMatchObject({ channel: DEFAULT_CHANNEL });
    });

    it('concurrent first messages still make one thread', async () => {
      const task = await seedTask(h);
      await Promise.all([
        h.handler({ action: 'notify', taskId: task.taskId, kind: 'plan_ready' }),
        h.handler({ action: 'notify', taskId: task.taskId, kind: 'execution_started' }),
      ]);
      const thread = await h.threads.get(task.taskId);
      const roots = h.slack
        .messages(PROJECT_CHANNEL)
        .filter((m) => m.threadTs === undefined && JSON.stringify(m.blocks).includes(task.taskId));
      expect(roots.map((m) => m.ts)).toEqual([thread?.threadTs]);
      expect(h.slack.thread(PROJECT_CHANNEL, thread?.threadTs ?? '')).toHaveLength(3);
    });

    it('renders CI failure with the attempt and the failing jobs', async () => {
      const task = await seedTask(h, {
        repo: 'acme/api',
        prNumber: 3,
        prUrl: 'https://github.com/acme/api/pull/3',
      });
      await h.handler({
        action: 'notify',
        taskId: task.taskId,
        kind: 'ci_failed',
        attempt: 2,
        maxAttempts: 3,
        failedJobs: [
          {
            name: 'unit tests',
            url: 'https://github.com/acme/api/actions/runs/1/job/2',
            conclusion: 'failure',
          },
          'lint',
        ],
      });
      const text = JSON.stringify(h.slack.messages(PROJECT_CHANNEL).at(-1)?.blocks);
      expect(text).toContain('attempt 2 of 3');
      expect(text).toContain('<https://github.com/acme/api/actions/runs/1/job/2|unit tests>');
      expect(text).toContain('lint');
    });

    it('escalation says why and what a human should look at, and is broadcast to the channel', async () => {
      const task = await seedTask(h, {
        repo: 'acme/api',
        prNumber: 4,
        prUrl: 'https://github.com/acme/api/pull/4',
      });
      await h.handler({
        action: 'notify',
        taskId: task.taskId,
        kind: 'escalated',
        reason: 'CI still failing after 3 fix attempts',
        attempt: 3,
        failedJobs: ['e2e'],
      });
      const message = h.slack.messages(PROJECT_CHANNEL).at(-1);
      expect(message?.replyBroadcast).toBe(true);
      const text = JSON.stringify(message?.blocks);
      for (const part of [
        'needs a human',
        'CI still failing after 3 fix attempts',
        'acme/api/pull/4',
        'e2e',
        `/agent status ${task.externalKey}`,
      ])
        expect(text).toContain(part);
    });

    it.each([
      ['fixed', ['CI passes', 'fix attempt 2 of 3']],
      ['completed', ['is ready for review', 'https://github.com/acme/api/pull/5']],
      ['rejected', ['was rejected by <@U0APPROVER>', '>why &lt;not&gt;']],
      ['budget_exceeded', ['LLM budget is spent', '$10.50 of $10.00']],
    ])('renders %s', async (kind, parts) => {
      const task = await seedTask(h, {
        repo: 'acme/api',
        prNumber: 5,
        prUrl: 'https://github.com/acme/api/pull/5',
      });
      const result = await h.handler({
        action: 'notify',
        taskId: task.taskId,
        kind,
        attempt: 2,
        reason: 'why <not>',
        by: 'U0APPROVER',
        budgetUsd: 10,
        costUsd: 10.5,
      });
      expect(result).toMatchObject({ delivered: true });
      const text = JSON.stringify(h.slack.messages(PROJECT_CHANNEL).at(-1)?.blocks);
      for (const part of parts) expect(text).toContain(part);
    });

    it('retries rate limits after Retry-After and 5xx with backoff', async () => {
      const task = await seedTask(h);
      await h.handler({ action: 'notify', taskId: task.taskId, kind: 'plan_ready' });
      h.slack.fail({ method: 'chat.postMessage', status: 429, retryAfterSeconds: 2 });
      h.slack.fail({ method: 'chat.postMessage', status: 502 });
      const result = await h.handler({ action: 'notify', taskId: task.taskId, kind: 'execution_started' });
      expect(result).toMatchObject({ delivered: true });
      expect(h.waits[0]).toBe(2000);
      expect(h.waits).toHaveLength(2);
      expect(h.slack.callsTo('chat.postMessage').map((c) => c.status)).toEqual([200, 200, 429, 502, 200]);
    });

    it('a notification that still fails is recorded and does not fail the workflow; a retry then sends it', async () => {
      const task = await seedTask(h);
      h.slack.fail({ status: 500, times: 4 });
      const failed = await h.handler({ action: 'notify', taskId: task.taskId, kind: 'completed' });
      expect(failed).toMatchObject({ delivered: false });
      const events = await h.timeline.list(task.taskId);
      expect(events.at(-1)).toMatchObject({ type: 'slack.failed', data: { kind: 'completed' } });
      const retried = await h.handler({ action: 'notify', taskId: task.taskId, kind: 'completed' });
      expect(retried).toMatchObject({ delivered: true });
    });

    it('an auth error is not retried', async () => {
      const task = await seedTask(h);
      h.slack.fail({ error: 'invalid_auth' });
      expect(await h.handler({ action: 'notify', taskId: task.taskId, kind: 'plan_ready' })).toMatchObject({
        delivered: false,
        error: expect.stringContaining('invalid_auth'),
      });
      expect(h.slack.calls).toHaveLength(1);
    });

    it('the same notification delivered twice (Lambda retry) is posted once', async () => {
      const task = await seedTask(h);
      await h.handler({ action: 'notify', taskId: task.taskId, kind: 'ci_failed', attempt: 1 });
      const again = await h.handler({ action: 'notify', taskId: task.taskId, kind: 'ci_failed', attempt: 1 });
      expect(again).toEqual({ delivered: true, duplicate: true });
      await h.handler({ action: 'notify', taskId: task.taskId, kind: 'ci_failed', attempt: 2 });
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(3);
    });

    it('an unknown task is reported, not thrown', async () => {
      expect(await h.handler({ action: 'notify', taskId: 'nope', kind: 'completed' })).toMatchObject({
        delivered: false,
      });
    });

    it.each([
      [{ action: 'notify', kind: 'completed' }, 'notify.taskId must be a non-empty string'],
      [{ action: 'notify', taskId: 't', kind: 'party' }, 'notify.kind must be one of'],
      [
        { action: 'notify', taskId: 't', kind: 'ci_failed', attempt: -1 },
        'notify.attempt must be a non-negative integer',
      ],
      [
        { action: 'notify', taskId: 't', kind: 'ci_failed', failedJobs: 'x' },
        'notify.failedJobs must be an array',
      ],
    ])('rejects a malformed payload %j', async (payload, message) => {
      await expect(h.handler(payload)).rejects.toThrow(message);
    });
  });

  it('the follow-up payload is validated too', async () => {
    await expect(
      h.handler({ action: 'commandFollowUp', userId: 'U1', reply: {}, work: { kind: 'run', key: 'A-1' } }),
    ).rejects.toThrow('reply.channel must be a non-empty string');
  });
});
