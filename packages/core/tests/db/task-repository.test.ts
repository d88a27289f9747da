import { InvalidTransitionError, TaskRepository } from '@enterprise-agents/core/db';
import { RunKind, TaskSource, TaskStatus } from '@enterprise-agents/core/domain';
import { ConflictError } from '@enterprise-agents/core/errors';
import { FixedClock, type LocalDynamo, startDynamo } from '@enterprise-agents/core/testing';
import { jest } from '@jest/globals';

let dynamo: LocalDynamo;
let n = 0;
const newRepo = async () => {
  const table = await dynamo.createTable(`tasks-repo-${++n}`);
  return new TaskRepository(table, new FixedClock());
};
const jiraTask = (key = 'PAY-1') => ({
  source: TaskSource.Jira,
  externalKey: key,
  title: 'Add refunds',
  context: { key, title: 'Add refunds' },
});

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

describe('TaskRepository.createIfNoActive', () => {
  it('creates a queued task once per external key', async () => {
    const repo = await newRepo();
    const first = await repo.createIfNoActive(jiraTask());
    expect(first.created).toBe(true);
    const second = await repo.createIfNoActive(jiraTask());
    expect(second).toEqual({
      created: false,
      existing: expect.objectContaining({ status: TaskStatus.Queued }),
    });
    if (!first.created || second.created) throw new Error('unreachable');
    expect(second.existing.taskId).toBe(first.task.taskId);
    expect(await repo.findByExternalKey(TaskSource.Jira, 'PAY-1')).toMatchObject({
      taskId: first.task.taskId,
      runId: 1,
    });
  });

  it('lets exactly one of many concurrent creations win', async () => {
    const repo = await newRepo();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => repo.createIfNoActive(jiraTask('RACE-1'))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('starts a new task after the previous one ended', async () => {
    const repo = await newRepo();
    const first = await repo.createIfNoActive(jiraTask('DONE-1'));
    if (!first.created) throw new Error('unreachable');
    await repo.transition(first.task.taskId, TaskStatus.Completed);
    const again = await repo.createIfNoActive(jiraTask('DONE-1'));
    expect(again.created).toBe(true);
    if (!again.created) throw new Error('unreachable');
    expect(again.task.taskId).not.toBe(first.task.taskId);
    expect((await repo.findByExternalKey(TaskSource.Jira, 'DONE-1'))?.taskId).toBe(again.task.taskId);
  });

  it('links the PR so comments find the task', async () => {
    const repo = await newRepo();
    const created = await repo.createIfNoActive({ ...jiraTask('PR-1'), repo: 'Acme/App', prNumber: 7 });
    if (!created.created) throw new Error('unreachable');
    expect((await repo.findByPullRequest('acme/app', 7))?.taskId).toBe(created.task.taskId);
    expect(await repo.findByPullRequest('acme/app', 8)).toBeUndefined();
  });
});

describe('TaskRepository transitions', () => {
  it('claims a run exactly once and records the execution', async () => {
    const repo = await newRepo();
    const created = await repo.createIfNoActive(jiraTask('CLAIM-1'));
    if (!created.created) throw new Error('unreachable');
    const claimed = await repo.claim(created.task.taskId, 1, 'arn:exec:1');
    expect(claimed).toMatchObject({ status: TaskStatus.Discovering, executionArn: 'arn:exec:1' });
    await expect(repo.claim(created.task.taskId, 1, 'arn:exec:2')).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a claim for a stale run id', async () => {
    const repo = await newRepo();
    const created = await repo.createIfNoActive(jiraTask('CLAIM-2'));
    if (!created.created) throw new Error('unreachable');
    await expect(repo.claim(created.task.taskId, 2, 'arn:exec')).rejects.toBeInstanceOf(ConflictError);
  });

  it('moves only from allowed statuses and sets the patch and the status index', async () => {
    const repo = await newRepo();
    const created = await repo.createIfNoActive(jiraTask('T-1'));
    if (!created.created) throw new Error('unreachable');
    const id = created.task.taskId;
    await expect(
      repo.transition(id, TaskStatus.Executing, { from: [TaskStatus.AwaitingApproval] }),
    ).rejects.toBeInstanceOf(ConflictError);
    const planned = await repo.transition(id, TaskStatus.Planning, {
      patch: { repo: 'acme/app', branch: 'agent/T-1-x', prNumber: 3 },
    });
    expect(planned).toMatchObject({ status: TaskStatus.Planning, repo: 'acme/app', prNumber: 3 });
    expect((await repo.listByStatus(TaskStatus.Planning)).map((t) => t.taskId)).toEqual([id]);
    expect(await repo.listByStatus(TaskStatus.Queued)).toEqual([]);
    expect((await repo.findByPullRequest('acme/app', 3))?.taskId).toBe(id);
    expect((await repo.listActive()).map((t) => t.taskId)).toEqual([id]);
    await repo.transition(id, TaskStatus.Rejected);
    expect(await repo.listActive()).toEqual([]);
    await expect(repo.transition(id, TaskStatus.Completed)).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a move the transition table does not allow before writing anything', async () => {
    const table = await dynamo.createTable(`tasks-repo-${++n}`);
    const repo = new TaskRepository(table, new FixedClock());
    const created = await repo.createIfNoActive(jiraTask('TABLE-1'));
    if (!created.created) throw new Error('unreachable');
    const id = created.task.taskId;
    const before = await repo.claim(id, 1, 'arn:exec:1');
    const send = jest.spyOn(table.client, 'send');
    // No active status goes back to QUEUED (only a new run on an ended task does).
    await expect(repo.transition(id, TaskStatus.Queued)).rejects.toMatchObject({
      name: 'InvalidTransition',
      to: TaskStatus.Queued,
    });
    // An ended task gets no status but QUEUED.
    const fromEnded = repo.transition(id, TaskStatus.Discovering, { from: [TaskStatus.Completed] });
    await expect(fromEnded).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(fromEnded).rejects.toThrow(`task ${id} may not move from COMPLETED to DISCOVERING`);
    expect(send).not.toHaveBeenCalled();
    send.mockRestore();
    expect(await repo.require(id)).toEqual(before);
  });

  it('refuses a move back in the run with the typed error; the conditional write still guards races', async () => {
    const repo = await newRepo();
    const created = await repo.createIfNoActive(jiraTask('TABLE-2'));
    if (!created.created) throw new Error('unreachable');
    const id = created.task.taskId;
    await repo.claim(id, 1, 'arn:exec:1');
    await repo.transition(id, TaskStatus.Executing, { runId: 1 });
    const back = repo.transition(id, TaskStatus.Planning, { runId: 1 });
    // Still a ConflictError: callers that end quietly when the task moved on keep doing so.
    await expect(back).rejects.toBeInstanceOf(ConflictError);
    await expect(back).rejects.toMatchObject({
      name: 'InvalidTransition',
      from: [TaskStatus.Executing],
      to: TaskStatus.Planning,
    });
    expect((await repo.require(id)).status).toBe(TaskStatus.Executing);
    // Another run's move is a race, not a table refusal.
    const stale = repo.transition(id, TaskStatus.AwaitingCi, { runId: 2 });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.not.toBeInstanceOf(InvalidTransitionError);
    // The CI loop is the one way back; a status may be written again (a retried step).
    for (const status of [
      TaskStatus.AwaitingCi,
      TaskStatus.Fixing,
      TaskStatus.AwaitingCi,
      TaskStatus.AwaitingCi,
    ])
      expect((await repo.transition(id, status, { runId: 1 })).status).toBe(status);
    expect((await repo.transition(id, TaskStatus.Escalated, { runId: 1 })).status).toBe(TaskStatus.Escalated);
  });

  it('rolls a new run back to the ended status it came from (QUEUED → ended is allowed)', async () => {
    const repo = await newRepo();
    const created = await repo.createIfNoActive(jiraTask('TABLE-3'));
    if (!created.created) throw new Error('unreachable');
    const id = created.task.taskId;
    await repo.transition(id, TaskStatus.Cancelled);
    const rerun = await repo.requestRun(id, RunKind.Fix);
    expect(rerun.status).toBe(TaskStatus.Queued);
    const back = await repo.transition(id, TaskStatus.Cancelled, { from: [TaskStatus.Queued], runId: 2 });
    expect(back.status).toBe(TaskStatus.Cancelled);
  });

  it('requests a new run only when no run is in progress', async () => {
    const repo = await newRepo();
    const created = await repo.createIfNoActive(jiraTask('RUN-1'));
    if (!created.created) throw new Error('unreachable');
    const id = created.task.taskId;
    await expect(repo.requestRun(id, RunKind.Revise)).rejects.toBeInstanceOf(ConflictError);
    await repo.transition(id, TaskStatus.Completed);
    const rerun = await repo.requestRun(id, RunKind.Revise, { author: 'octocat', text: 'rename the flag' });
    expect(rerun).toMatchObject({
      status: TaskStatus.Queued,
      runId: 2,
      runKind: RunKind.Revise,
      attempts: 0,
    });
    expect(rerun.context.feedback).toEqual({ author: 'octocat', text: 'rename the flag' });
    const claimed = await repo.claim(id, 2, 'arn:exec:2');
    expect(claimed.status).toBe(TaskStatus.Executing);
  });

  it('counts fix attempts atomically', async () => {
    const repo = await newRepo();
    const created = await repo.createIfNoActive(jiraTask('ATT-1'));
    if (!created.created) throw new Error('unreachable');
    await Promise.all([1, 2, 3].map(() => repo.incrementAttempts(created.task.taskId)));
    expect((await repo.get(created.task.taskId))?.attempts).toBe(3);
  });
});
