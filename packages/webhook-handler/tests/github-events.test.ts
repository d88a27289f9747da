import { type Task, TaskStatus } from '@enterprise-agents/core/domain';
import { type LocalDynamo, startDynamo } from '@enterprise-agents/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { HELP_TEXT } from '../src/domain/commands';
import type { JsonObject } from '../src/domain/json';
import { BOT_LOGIN, bodyOf, createHarness, githubDelivery, githubExample, type Harness } from './support';

const REPO = 'Codertocat/Hello-World';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:orchestrator:run-1';

let dynamo: LocalDynamo;
let h: Harness;
let prCounter = 100;

beforeAll(async () => {
  dynamo = await startDynamo();
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(async () => {
  h = await createHarness(dynamo);
  h.github.grant(REPO, 'Codertocat', 'write');
});

/** A task that owns a PR, moved to `status` the way the workflow would move it. */
const seedTask = async (status: TaskStatus, prNumber = ++prCounter): Promise<Task> => {
  const created = await h.tasks.createIfNoActive({
    source: 'jira',
    externalKey: `PAY-${prNumber}`,
    title: 'Reject refunds larger than the charge',
    context: { key: `PAY-${prNumber}`, title: 'Reject refunds larger than the charge' },
    repo: REPO,
    prNumber,
    branch: `agent/PAY-${prNumber}-refunds`,
  });
  if (!created.created) throw new Error('seed failed');
  let task = await h.tasks.claim(created.task.taskId, 1, EXECUTION_ARN);
  if (status !== task.status) task = await h.tasks.transition(task.taskId, status);
  if (status === TaskStatus.AwaitingApproval) {
    await h.approvals.request({
      taskId: task.taskId,
      runId: task.runId,
      taskToken: `approval-token-${task.taskId}`,
    });
  }
  return task;
};

/** The real issue_comment example, turned into a comment on a pull request. */
const prComment = (
  prNumber: number,
  body: string,
  user: JsonObject = { login: 'Codertocat', type: 'User' },
) => {
  const payload = githubExample('issue_comment', (p) => p.action === 'created');
  const issue = payload.issue as JsonObject;
  issue.number = prNumber;
  issue.pull_request = {
    url: `https://api.github.com/repos/${REPO}/pulls/${prNumber}`,
    html_url: `https://github.com/${REPO}/pull/${prNumber}`,
    diff_url: `https://github.com/${REPO}/pull/${prNumber}.diff`,
    patch_url: `https://github.com/${REPO}/pull/${prNumber}.patch`,
    merged_at: null,
  };
  const comment = payload.comment as JsonObject;
  comment.body = body;
  comment.user = { ...(comment.user as JsonObject), ...user };
  payload.sender = { ...(payload.sender as JsonObject), ...user };
  return payload;
};

const send = async (event: string, payload: unknown, delivery?: string) =>
  h.handler(githubDelivery(event, payload, delivery === undefined ? {} : { delivery }));

describe('ping and filters', () => {
  it('answers ping with 200', async () => {
    const result = await send('ping', githubExample('ping'));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result).status).toBe('ok');
  });

  it('ignores repositories outside GITHUB_ORG', async () => {
    const scoped = await createHarness(dynamo, { config: { github: { org: 'acme' } } });
    const result = await scoped.handler(githubDelivery('issue_comment', prComment(1, '/agent approve')));
    expect(bodyOf(result)).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/not the configured org/),
    });
  });

  it('ignores comments on issues, comments without /agent, and unknown events', async () => {
    const onIssue = githubExample('issue_comment', (p) => p.action === 'created');
    (onIssue.comment as JsonObject).body = '/agent approve';
    expect(bodyOf(await send('issue_comment', onIssue)).reason).toMatch(/not a pull request/);
    const task = await seedTask(TaskStatus.AwaitingApproval);
    expect(
      bodyOf(await send('issue_comment', prComment(task.prNumber ?? 0, 'LGTM /agent approve'))).reason,
    ).toMatch(/not an \/agent command/);
    expect(bodyOf(await send('issue_comment', prComment(task.prNumber ?? 0, '/agentapprove'))).status).toBe(
      'ignored',
    );
    expect(bodyOf(await send('star', { action: 'created' })).reason).toMatch(/star is not handled/);
    expect(h.callback.successes).toEqual([]);
  });

  it('ignores a command on a pull request that is not a task’s, without calling GitHub', async () => {
    const result = await send('issue_comment', prComment(9999, '/agent approve'));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/does not belong/),
    });
    expect(h.github.calls).toEqual([]);
  });

  it('ignores the bot’s own comments (GITHUB_BOT_LOGIN or a Bot account)', async () => {
    const task = await seedTask(TaskStatus.AwaitingApproval);
    const own = await send(
      'issue_comment',
      prComment(task.prNumber ?? 0, '/agent approve', { login: BOT_LOGIN }),
    );
    expect(bodyOf(own).reason).toMatch(/bot/);
    const app = await send(
      'issue_comment',
      prComment(task.prNumber ?? 0, '/agent approve', { login: 'renovate[bot]', type: 'Bot' }),
    );
    expect(bodyOf(app).reason).toMatch(/bot/);
    expect(h.github.calls).toEqual([]);
  });
});

describe('/agent commands', () => {
  it('approves the waiting plan once: task token succeeds, reply posted, redelivery is a duplicate', async () => {
    const task = await seedTask(TaskStatus.AwaitingApproval);
    const payload = prComment(task.prNumber ?? 0, '/agent approve');
    const result = await send('issue_comment', payload, 'delivery-approve-1');
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({
      status: 'ok',
      command: 'approve',
      result: 'decided',
      taskId: task.taskId,
    });
    expect(h.callback.successes).toEqual([
      {
        taskToken: `approval-token-${task.taskId}`,
        output: { approved: true, by: 'Codertocat', via: 'github' },
      },
    ]);
    expect(h.github.comments.at(-1)).toMatchObject({
      repo: REPO,
      issueNumber: task.prNumber,
      body: expect.stringMatching(/approved by @Codertocat/),
    });
    expect((await h.approvals.get(task.taskId))?.decision).toBe('approved');
    expect((await h.timeline.list(task.taskId)).map((e) => e.type)).toContain('approval.approved');

    const again = await send('issue_comment', payload, 'delivery-approve-1');
    expect(bodyOf(again).status).toBe('duplicate');
    expect(h.callback.successes).toHaveLength(1);

    const later = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent reject too late'));
    expect(bodyOf(later).result).toBe('already-decided');
    expect(h.callback.failures).toEqual([]);
  });

  it('rejects with a reason: the task token fails with Rejected', async () => {
    const task = await seedTask(TaskStatus.AwaitingApproval);
    const result = await send(
      'issue_comment',
      prComment(task.prNumber ?? 0, '/agent reject\nthe plan touches billing'),
    );
    expect(bodyOf(result).result).toBe('decided');
    expect(h.callback.failures).toEqual([
      { taskToken: `approval-token-${task.taskId}`, error: 'Rejected', cause: 'the plan touches billing' },
    ]);
  });

  it('refuses a commander without write permission politely and changes nothing', async () => {
    const task = await seedTask(TaskStatus.AwaitingApproval);
    h.github.grant(REPO, 'drive-by', 'read');
    const result = await send(
      'issue_comment',
      prComment(task.prNumber ?? 0, '/agent approve', { login: 'drive-by' }),
    );
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ status: 'refused', reason: 'drive-by has read permission' });
    expect(h.github.comments.at(-1)?.body).toMatch(/^Sorry @drive-by, only people with write access/);
    expect(h.callback.successes).toEqual([]);
    expect((await h.approvals.get(task.taskId))?.decision).toBeUndefined();
    const stranger = await send(
      'issue_comment',
      prComment(task.prNumber ?? 0, '/agent stop', { login: 'stranger' }),
    );
    expect(bodyOf(stranger).status).toBe('refused');
    expect(h.executions.stopped).toEqual([]);
  });

  it('tells when nothing waits for approval', async () => {
    const task = await seedTask(TaskStatus.Executing);
    const result = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent approve'));
    expect(bodyOf(result).result).toBe('not-awaiting');
    expect(h.github.comments.at(-1)?.body).toMatch(/not waiting for a plan approval \(status `EXECUTING`\)/);
  });

  it('answers help and unknown commands with the help text', async () => {
    const task = await seedTask(TaskStatus.Executing);
    await send('issue_comment', prComment(task.prNumber ?? 0, '/agent help'));
    expect(h.github.comments.at(-1)?.body).toBe(HELP_TEXT);
    const unknown = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent deploy prod'));
    expect(bodyOf(unknown)).toMatchObject({ command: 'unknown', result: 'help' });
    expect(h.github.comments.at(-1)?.body).toBe(`Unknown command \`deploy\`.\n\n${HELP_TEXT}`);
  });

  it('reports the status with attempts, cost and the latest events', async () => {
    const task = await seedTask(TaskStatus.AwaitingCi);
    await h.timeline.append(task.taskId, {
      type: 'ci.failed',
      message: 'CI failed on abc1234: test (failure)',
    });
    await send('issue_comment', prComment(task.prNumber ?? 0, '/agent status'));
    const reply = h.github.comments.at(-1)?.body ?? '';
    expect(reply).toContain(`Task \`${task.taskId}\``);
    expect(reply).toContain('Status: `AWAITING_CI`');
    expect(reply).toContain('CI fix attempts in this run: 0');
    expect(reply).toContain('LLM cost so far: $0.00');
    expect(reply).toMatch(/`ci\.failed`: CI failed on abc1234/);
  });

  it('stops the task and its execution', async () => {
    const task = await seedTask(TaskStatus.Executing);
    const result = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent stop'));
    expect(bodyOf(result).result).toBe('stopped');
    expect((await h.tasks.get(task.taskId))?.status).toBe(TaskStatus.Cancelled);
    expect(h.executions.stopped).toEqual([
      { executionArn: EXECUTION_ARN, reason: expect.stringMatching(/Codertocat/) },
    ]);
    const again = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent stop'));
    expect(bodyOf(again).result).toBe('not-active');
  });

  it('starts fix and revise runs on an ended task, and says busy while one runs', async () => {
    const task = await seedTask(TaskStatus.Executing);
    const busy = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent fix'));
    expect(bodyOf(busy).status).toBe('in-progress');
    expect(h.github.comments.at(-1)?.body).toMatch(/already in progress/);
    await h.tasks.transition(task.taskId, TaskStatus.Escalated);
    const fix = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent fix'));
    expect(fix.statusCode).toBe(202);
    expect(bodyOf(fix)).toMatchObject({ status: 'accepted', command: 'fix', runId: 2 });
    expect(h.publisher.events.at(-1)).toEqual({ taskId: task.taskId, runId: 2, source: 'jira', kind: 'fix' });

    await h.tasks.transition(task.taskId, TaskStatus.Completed);
    const usage = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent revise'));
    expect(bodyOf(usage).result).toBe('usage');
    const revise = await send(
      'issue_comment',
      prComment(task.prNumber ?? 0, '/agent revise use integer cents\nand keep the API stable'),
    );
    expect(bodyOf(revise)).toMatchObject({ status: 'accepted', runId: 3 });
    const updated = await h.tasks.get(task.taskId);
    expect(updated?.context.feedback).toEqual({
      author: 'Codertocat',
      text: 'use integer cents\nand keep the API stable',
    });
    expect(h.publisher.events.at(-1)?.kind).toBe('revise');
  });

  it('answers 500 when GitHub is down and processes the redelivery afterwards', async () => {
    const task = await seedTask(TaskStatus.AwaitingApproval);
    h.github.failing.add('permissionOf');
    const payload = prComment(task.prNumber ?? 0, '/agent approve');
    const failed = await send('issue_comment', payload, 'delivery-outage');
    expect(failed.statusCode).toBe(500);
    expect(bodyOf(failed)).toEqual({ error: 'internal error' });
    h.github.failing.clear();
    const redelivered = await send('issue_comment', payload, 'delivery-outage');
    expect(bodyOf(redelivered).result).toBe('decided');
  });

  it('keeps the decision when the reply comment cannot be posted', async () => {
    const task = await seedTask(TaskStatus.AwaitingApproval);
    h.github.failing.add('commentOnIssue');
    const result = await send('issue_comment', prComment(task.prNumber ?? 0, '/agent approve'));
    expect(bodyOf(result).result).toBe('decided');
    expect(h.callback.successes).toHaveLength(1);
  });

  it('completes the token once for concurrent identical deliveries', async () => {
    const task = await seedTask(TaskStatus.AwaitingApproval);
    const event = githubDelivery('issue_comment', prComment(task.prNumber ?? 0, '/agent approve'), {
      delivery: 'concurrent-approve',
    });
    const results = await Promise.all(Array.from({ length: 6 }, () => h.handler(structuredClone(event))));
    const statuses = results.map((r) => bodyOf(r).status);
    expect(statuses.filter((s) => s !== 'duplicate')).toEqual(['ok']);
    expect(h.callback.successes).toHaveLength(1);
  });
});

describe('pull_request_review', () => {
  const review = (prNumber: number, state: string) => {
    const payload = githubExample('pull_request_review', (p) => p.action === 'submitted');
    (payload.pull_request as JsonObject).number = prNumber;
    const r = payload.review as JsonObject;
    r.state = state;
    r.body = 'Please use integer cents everywhere.';
    return payload;
  };

  it('starts a revision run with the review comments when changes are requested', async () => {
    const task = await seedTask(TaskStatus.Completed);
    h.github.reviews.set(237895671, ['src/refunds.ts:42: this rounds twice']);
    const result = await send('pull_request_review', review(task.prNumber ?? 0, 'changes_requested'));
    expect(result.statusCode).toBe(202);
    expect(bodyOf(result)).toMatchObject({ status: 'accepted', runId: 2 });
    const updated = await h.tasks.get(task.taskId);
    expect(updated?.status).toBe(TaskStatus.Queued);
    expect(updated?.context.feedback).toEqual({
      author: 'Codertocat',
      text: 'Please use integer cents everywhere.',
      reviewComments: ['src/refunds.ts:42: this rounds twice'],
    });
    expect(h.publisher.events.at(-1)).toMatchObject({ taskId: task.taskId, kind: 'revise', runId: 2 });
  });

  it('ignores plain review comments and reviews from people without write access', async () => {
    const task = await seedTask(TaskStatus.Completed);
    expect(bodyOf(await send('pull_request_review', review(task.prNumber ?? 0, 'commented'))).status).toBe(
      'ignored',
    );
    h.github.grant(REPO, 'Codertocat', 'read');
    const outsider = await send('pull_request_review', review(task.prNumber ?? 0, 'changes_requested'));
    expect(bodyOf(outsider)).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/read permission/),
    });
    expect(h.publisher.events).toEqual([]);
  });

  it('still starts the run when listing review comments fails', async () => {
    const task = await seedTask(TaskStatus.Completed);
    h.github.failing.add('reviewComments');
    const result = await send('pull_request_review', review(task.prNumber ?? 0, 'changes_requested'));
    expect(bodyOf(result).status).toBe('accepted');
    expect((await h.tasks.get(task.taskId))?.context.feedback?.reviewComments).toEqual([]);
  });
});

describe('CI results', () => {
  const SHA = '3484a3fb816e0859fd6e1cea078d76385ff50625';
  const OCTO = 'octo-org/octo-repo';

  const workflowRun = (conclusion: string) => {
    const payload = githubExample(
      'workflow_run',
      (p) => (p.workflow_run as JsonObject).conclusion === 'success',
    );
    (payload.workflow_run as JsonObject).conclusion = conclusion;
    return payload;
  };

  const waitForCi = async (taskId: string) =>
    h.ciWaits.register({ repo: OCTO, sha: SHA, taskId, runId: 1, taskToken: `ci-token-${taskId}` });

  it('ignores completions nobody waits for', async () => {
    const result = await send('workflow_run', workflowRun('success'));
    expect(bodyOf(result)).toMatchObject({
      status: 'ignored',
      reason: expect.stringMatching(/no task waits/),
    });
  });

  it('waits while another run is in progress, then resumes the task green once every run passed', async () => {
    const task = await seedTask(TaskStatus.AwaitingCi);
    await waitForCi(task.taskId);
    h.github.runs.set(`${OCTO}@${SHA}`, [
      { id: 289782451, name: 'Build', status: 'completed', conclusion: 'success' },
      { id: 289782452, name: 'Lint', status: 'in_progress', conclusion: null },
    ]);
    const pending = await send('workflow_run', workflowRun('success'));
    expect(bodyOf(pending).status).toBe('pending');
    expect(h.callback.successes).toEqual([]);

    h.github.runs.set(`${OCTO}@${SHA}`, [
      { id: 289782451, name: 'Build', status: 'completed', conclusion: 'success' },
      { id: 289782452, name: 'Lint', status: 'completed', conclusion: 'success' },
    ]);
    const done = await send('workflow_run', workflowRun('success'));
    expect(bodyOf(done)).toMatchObject({ status: 'resumed', result: 'success', taskIds: [task.taskId] });
    expect(h.callback.successes).toHaveLength(1);
    expect(h.callback.successes[0]).toMatchObject({
      taskToken: `ci-token-${task.taskId}`,
      output: { success: true, headSha: SHA, failedRuns: [], failedJobs: [] },
    });
    // The next completion for the same commit finds no wait left.
    expect(bodyOf(await send('workflow_run', workflowRun('success'))).status).toBe('ignored');
  });

  it('resumes red as soon as one run failed, with the failed run and job ids', async () => {
    const task = await seedTask(TaskStatus.AwaitingCi);
    await waitForCi(task.taskId);
    h.github.runs.set(`${OCTO}@${SHA}`, [
      { id: 289782451, name: 'Build', status: 'completed', conclusion: 'failure' },
      { id: 289782452, name: 'Lint', status: 'in_progress', conclusion: null },
    ]);
    h.github.jobs.set(289782451, [{ runId: 289782451, jobId: 399444496, name: 'test (20.x)' }]);
    const result = await send('workflow_run', workflowRun('failure'));
    expect(bodyOf(result)).toMatchObject({ status: 'resumed', result: 'failure' });
    expect(h.callback.successes[0]?.output).toMatchObject({
      success: false,
      failedRuns: [{ id: 289782451, conclusion: 'failure' }],
      failedJobs: [{ runId: 289782451, jobId: 399444496, name: 'test (20.x)' }],
    });
    expect((await h.timeline.list(task.taskId)).map((e) => e.type)).toContain('ci.failed');
  });

  it('resolves on check_suite completed too', async () => {
    const task = await seedTask(TaskStatus.AwaitingCi);
    const payload = githubExample('check_suite', (p) => p.action === 'completed');
    const sha = String((payload.check_suite as JsonObject).head_sha);
    await h.ciWaits.register({ repo: REPO, sha, taskId: task.taskId, runId: 1, taskToken: 'suite-token' });
    h.github.runs.set(`${REPO.toLowerCase()}@${sha}`, [
      { id: 1, name: 'CI', status: 'completed', conclusion: 'success' },
    ]);
    const result = await send('check_suite', payload);
    expect(bodyOf(result)).toMatchObject({ status: 'resumed', result: 'success' });
    expect(h.callback.successes.map((s) => s.taskToken)).toEqual(['suite-token']);
  });

  it('refuses a completion without a commit SHA with 400', async () => {
    const payload = workflowRun('success');
    (payload.workflow_run as JsonObject).head_sha = 'not-a-sha';
    const result = await send('workflow_run', payload);
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toMatch(/head_sha/);
  });
});

describe('pull_request closed', () => {
  const closed = (prNumber: number, merged: boolean) => {
    const payload = githubExample('pull_request', (p) => p.action === 'closed');
    const pr = payload.pull_request as JsonObject;
    pr.number = prNumber;
    pr.merged = merged;
    payload.number = prNumber;
    return payload;
  };

  it('completes the task when the PR is merged and stops its execution', async () => {
    const task = await seedTask(TaskStatus.AwaitingCi);
    const result = await send('pull_request', closed(task.prNumber ?? 0, true));
    expect(bodyOf(result)).toMatchObject({ status: 'ok', result: 'completed', taskId: task.taskId });
    const updated = await h.tasks.get(task.taskId);
    expect(updated?.status).toBe(TaskStatus.Completed);
    expect(updated?.statusReason).toMatch(/merged by Codertocat/);
    expect(h.executions.stopped).toHaveLength(1);
  });

  it('cancels the task when the PR is closed without merging; ignores PRs of no task', async () => {
    const task = await seedTask(TaskStatus.Executing);
    await send('pull_request', closed(task.prNumber ?? 0, false));
    expect((await h.tasks.get(task.taskId))?.status).toBe(TaskStatus.Cancelled);
    const other = await send('pull_request', closed(4242, true));
    expect(bodyOf(other).status).toBe('ignored');
    const opened = githubExample('pull_request', (p) => p.action === 'opened');
    expect(bodyOf(await send('pull_request', opened)).status).toBe('ignored');
  });
});
