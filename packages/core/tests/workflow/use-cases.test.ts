import {
  ApprovalDecision,
  ApprovalStore,
  CiWaitStore,
  TaskRepository,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { RunKind, TaskSource, TaskStatus } from '@enterprise-agents/core/domain';
import type { CiGitHubPort, WorkflowRunSummary } from '@enterprise-agents/core/github';
import {
  FixedClock,
  type LocalDynamo,
  RecordingCallback,
  RecordingExecutions,
  RecordingPublisher,
  startDynamo,
} from '@enterprise-agents/core/testing';
import {
  decideApproval,
  REJECTED_ERROR,
  rerunTask,
  resolveCiWaits,
  startTask,
  stopTask,
} from '@enterprise-agents/core/workflow';

let dynamo: LocalDynamo;
let n = 0;

class StubGitHub implements CiGitHubPort {
  runs: WorkflowRunSummary[] = [];
  async workflowRunsForCommit() {
    return this.runs;
  }
  async failedJobs(_repo: string, runIds: readonly number[]) {
    return runIds.map((runId) => ({ runId, jobId: runId * 10, name: `job-${runId}` }));
  }
}

const setup = async () => {
  const table = await dynamo.createTable(`tasks-uc-${++n}`);
  const clock = new FixedClock();
  const deps = {
    tasks: new TaskRepository(table, clock),
    timeline: new TimelineRepository(table, clock),
    approvals: new ApprovalStore(table, clock),
    ciWaits: new CiWaitStore(table, clock),
    publisher: new RecordingPublisher(),
    callback: new RecordingCallback(),
    executions: new RecordingExecutions(),
    github: new StubGitHub(),
  };
  const started = await startTask(
    deps,
    {
      source: TaskSource.Jira,
      externalKey: 'UC-1',
      title: 'Do it',
      context: { key: 'UC-1', title: 'Do it' },
    },
    'jira',
  );
  return { ...deps, task: started.task };
};

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

describe('startTask', () => {
  it('publishes once and reports the active task to a second trigger', async () => {
    const deps = await setup();
    expect(deps.publisher.events).toEqual([
      { taskId: deps.task.taskId, runId: 1, source: 'jira', kind: 'new' },
    ]);
    const again = await startTask(
      deps,
      { source: TaskSource.Jira, externalKey: 'UC-1', title: 'x', context: { key: 'UC-1', title: 'x' } },
      'jira',
    );
    expect(again.status).toBe('in-progress');
    // Still QUEUED: the first publish may have been lost, so the same run is published again.
    expect(deps.publisher.events).toEqual([deps.publisher.events[0], deps.publisher.events[0]]);
    await deps.tasks.claim(deps.task.taskId, 1, 'arn:exec:1');
    const third = await startTask(
      deps,
      { source: TaskSource.Jira, externalKey: 'UC-1', title: 'x', context: { key: 'UC-1', title: 'x' } },
      'jira',
    );
    expect(third.status).toBe('in-progress');
    expect(deps.publisher.events).toHaveLength(2);
    expect((await deps.timeline.list(deps.task.taskId)).map((e) => e.type)).toEqual(['task.created']);
  });
});

describe('decideApproval', () => {
  it('completes the token once; a second decision learns who decided', async () => {
    const deps = await setup();
    const id = deps.task.taskId;
    expect(
      await decideApproval(deps, { taskId: id, decision: ApprovalDecision.Approved, by: 'U1', via: 'slack' }),
    ).toEqual({
      status: 'not-awaiting',
      taskStatus: TaskStatus.Queued,
    });
    await deps.tasks.transition(id, TaskStatus.AwaitingApproval);
    await deps.approvals.request({ taskId: id, runId: 1, taskToken: 'tok-1' });
    const [a, b] = await Promise.all([
      decideApproval(deps, { taskId: id, decision: ApprovalDecision.Approved, by: 'U1', via: 'slack' }),
      decideApproval(deps, {
        taskId: id,
        decision: ApprovalDecision.Rejected,
        by: 'octocat',
        via: 'github',
        reason: 'no',
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['already-decided', 'decided']);
    expect(deps.callback.successes.length + deps.callback.failures.length).toBe(1);
    const events = await deps.timeline.list(id);
    expect(events.filter((e) => e.type.startsWith('approval.'))).toHaveLength(1);
  });

  it('fails the token with Rejected and the reason', async () => {
    const deps = await setup();
    const id = deps.task.taskId;
    await deps.tasks.transition(id, TaskStatus.AwaitingApproval);
    await deps.approvals.request({ taskId: id, runId: 1, taskToken: 'tok-2' });
    await decideApproval(deps, {
      taskId: id,
      decision: ApprovalDecision.Rejected,
      by: 'U9',
      via: 'slack',
      reason: 'wrong repo',
    });
    expect(deps.callback.failures).toEqual([
      { taskToken: 'tok-2', error: REJECTED_ERROR, cause: 'wrong repo' },
    ]);
  });
});

describe('resolveCiWaits', () => {
  it('stays pending until every run completed, then resumes the waiter once', async () => {
    const deps = await setup();
    const id = deps.task.taskId;
    expect(await resolveCiWaits(deps, 'acme/app', 'sha1')).toEqual({ status: 'no-wait' });
    await deps.ciWaits.register({ repo: 'acme/app', sha: 'sha1', taskId: id, runId: 1, taskToken: 'ci-tok' });
    deps.github.runs = [
      { id: 1, name: 'test', status: 'completed', conclusion: 'success' },
      { id: 2, name: 'lint', status: 'in_progress', conclusion: null },
    ];
    expect(await resolveCiWaits(deps, 'acme/app', 'sha1')).toEqual({ status: 'pending', runs: 2 });
    deps.github.runs[1] = { id: 2, name: 'lint', status: 'completed', conclusion: 'failure' };
    const [first, second] = await Promise.all([
      resolveCiWaits(deps, 'acme/app', 'sha1'),
      resolveCiWaits(deps, 'acme/app', 'sha1'),
    ]);
    const resumed = [first, second].flatMap((r) => (r.status === 'resolved' ? r.resumed : []));
    expect(resumed).toEqual([id]);
    expect(deps.callback.successes).toHaveLength(1);
    expect(deps.callback.successes[0]?.output).toMatchObject({
      success: false,
      headSha: 'sha1',
      failedRuns: [{ id: 2 }],
      failedJobs: [{ runId: 2, jobId: 20, name: 'job-2' }],
    });
    expect((await deps.timeline.list(id)).at(-1)?.type).toBe('ci.failed');
  });
});

describe('rerunTask and stopTask', () => {
  it('refuses a rerun while a run is active, allows it after, and stops executions', async () => {
    const deps = await setup();
    const fb = { author: 'octocat', text: 'use the new API' };
    expect((await rerunTask(deps, deps.task, RunKind.Revise, fb)).status).toBe('busy');
    await deps.tasks.claim(deps.task.taskId, 1, 'arn:exec:1');
    const stopped = await stopTask(deps, await deps.tasks.require(deps.task.taskId), {
      by: 'U1',
      reason: 'not needed',
    });
    expect(stopped.status).toBe('stopped');
    expect(deps.executions.stopped).toEqual([{ executionArn: 'arn:exec:1', reason: 'not needed' }]);
    expect((await stopTask(deps, stopped.task, { by: 'U1', reason: 'again' })).status).toBe('not-active');
    const rerun = await rerunTask(deps, stopped.task, RunKind.Revise, fb);
    expect(rerun).toMatchObject({ status: 'started', task: { runId: 2, status: TaskStatus.Queued } });
    expect(deps.publisher.events.at(-1)).toEqual({
      taskId: deps.task.taskId,
      runId: 2,
      source: 'jira',
      kind: 'revise',
    });
  });
});

/** A callback port whose next sends fail, as Step Functions does when throttled. */
class FlakyCallback extends RecordingCallback {
  failNext = 0;
  override async succeed(taskToken: string, output: unknown): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    return super.succeed(taskToken, output);
  }
}

describe('lost deliveries are retried, not lost', () => {
  it('an approval whose send failed is delivered by the next attempt, and logged once', async () => {
    const deps = await setup();
    const callback = new FlakyCallback();
    const flaky = { ...deps, callback };
    const id = deps.task.taskId;
    await deps.tasks.transition(id, TaskStatus.AwaitingApproval);
    await deps.approvals.request({ taskId: id, runId: 1, taskToken: 'tok-a' });
    callback.failNext = 1;
    await expect(
      decideApproval(flaky, { taskId: id, decision: ApprovalDecision.Approved, by: 'U1', via: 'slack' }),
    ).rejects.toThrow('Rate exceeded');
    expect(callback.successes).toEqual([]);
    // A retry (even a different person's click) delivers the recorded decision, not its own.
    const retry = await decideApproval(flaky, {
      taskId: id,
      decision: ApprovalDecision.Rejected,
      by: 'U2',
      via: 'slack',
      reason: 'x',
    });
    expect(retry.status).toBe('already-decided');
    expect(callback.successes).toEqual([
      { taskToken: 'tok-a', output: { approved: true, by: 'U1', via: 'slack' } },
    ]);
    await decideApproval(flaky, { taskId: id, decision: ApprovalDecision.Approved, by: 'U3', via: 'github' });
    expect(callback.successes).toHaveLength(1);
    expect((await deps.timeline.list(id)).filter((e) => e.type.startsWith('approval.'))).toHaveLength(1);
  });

  it('a CI result whose send failed keeps the wait for the next delivery, and other waits still resume', async () => {
    const deps = await setup();
    const callback = new FlakyCallback();
    const flaky = { ...deps, callback };
    await deps.ciWaits.register({ repo: 'acme/app', sha: 'sha9', taskId: 'a', runId: 1, taskToken: 'tok-a' });
    await deps.ciWaits.register({ repo: 'acme/app', sha: 'sha9', taskId: 'b', runId: 1, taskToken: 'tok-b' });
    deps.github.runs = [{ id: 1, name: 'test', status: 'completed', conclusion: 'success' }];
    callback.failNext = 1;
    await expect(resolveCiWaits(flaky, 'acme/app', 'sha9')).rejects.toThrow('could not resume 1 of 2');
    expect(callback.successes).toHaveLength(1);
    expect(await deps.ciWaits.listForCommit('acme/app', 'sha9')).toHaveLength(1);
    const redelivery = await resolveCiWaits(flaky, 'acme/app', 'sha9');
    expect(redelivery.status).toBe('resolved');
    expect(callback.successes.map((s) => s.taskToken).sort()).toEqual(['tok-a', 'tok-b']);
    expect(await deps.ciWaits.listForCommit('acme/app', 'sha9')).toEqual([]);
  });
});

describe('requestRun and the external key', () => {
  it('refuses a revision of an old task while a newer task holds the key', async () => {
    const deps = await setup();
    const old = deps.task;
    await deps.tasks.transition(old.taskId, TaskStatus.Completed);
    const newer = await startTask(
      deps,
      {
        source: TaskSource.Jira,
        externalKey: 'UC-1',
        title: 'again',
        context: { key: 'UC-1', title: 'again' },
      },
      'jira',
    );
    expect(newer.status).toBe('started');
    const fb = { author: 'octocat', text: 'rename it' };
    expect((await rerunTask(deps, old, RunKind.Revise, fb)).status).toBe('busy');
    expect((await deps.tasks.findByExternalKey(TaskSource.Jira, 'UC-1'))?.taskId).toBe(newer.task.taskId);
    // Once the newer one ended, the old task may run again and takes the key back.
    await deps.tasks.transition(newer.task.taskId, TaskStatus.Completed);
    expect((await rerunTask(deps, old, RunKind.Revise, fb)).status).toBe('started');
    expect((await deps.tasks.findByExternalKey(TaskSource.Jira, 'UC-1'))?.taskId).toBe(old.taskId);
  });
});
