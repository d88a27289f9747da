import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  ApprovalDecision,
  ApprovalStore,
  CiWaitStore,
  CostStore,
  DeliveryStore,
  TaskRepository,
  ThreadStore,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import { TaskSource } from '@enterprise-agents/core/domain';
import { FixedClock, type LocalDynamo, startDynamo } from '@enterprise-agents/core/testing';

let dynamo: LocalDynamo;
let n = 0;
const table = () => dynamo.createTable(`tasks-stores-${++n}`);

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});

describe('DeliveryStore', () => {
  it('claims a delivery once, with a TTL a few days out', async () => {
    const ref = await table();
    const clock = new FixedClock(new Date('2026-03-01T00:00:00Z'));
    const store = new DeliveryStore(ref, 3 * 24 * 3600, clock);
    const results = await Promise.all(Array.from({ length: 5 }, () => store.claim('github', 'abc-123')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.claim('jira', 'abc-123')).toBe(true);
    const item = await ref.client.send(
      new GetCommand({ TableName: ref.tableName, Key: { pk: 'DELIVERY#github#abc-123', sk: 'DELIVERY' } }),
    );
    expect(item.Item?.ttl).toBe(Date.parse('2026-03-04T00:00:00Z') / 1000);
  });
});

describe('DeliveryStore after a crash', () => {
  it('lets a redelivery take over a claim left processing past the stale window, never a completed one', async () => {
    const ref = await table();
    const clock = new FixedClock(new Date('2026-03-01T00:00:00Z'));
    const store = new DeliveryStore(ref, 3600, clock, 60_000);
    expect(await store.claim('github', 'crashed')).toBe(true);
    clock.advance(30_000);
    expect(await store.claim('github', 'crashed')).toBe(false);
    clock.advance(31_000);
    expect(await store.claim('github', 'crashed')).toBe(true);
    await store.complete('github', 'crashed');
    clock.advance(10 * 60_000);
    expect(await store.claim('github', 'crashed')).toBe(false);
  });
});

describe('TimelineRepository', () => {
  it('keeps events written in the same millisecond, in order', async () => {
    const timeline = new TimelineRepository(await table(), new FixedClock());
    await timeline.append('t1', { type: 'a', message: 'first' });
    await timeline.append('t1', { type: 'b', message: 'second' });
    await timeline.append('t1', { type: 'c', message: 'third', actor: 'U1', data: { x: 1 } });
    await timeline.append('t2', { type: 'other', message: 'not mine' });
    expect((await timeline.list('t1')).map((e) => e.message)).toEqual(['first', 'second', 'third']);
    expect((await timeline.list('t1', { latest: 2 })).map((e) => e.type)).toEqual(['b', 'c']);
    expect((await timeline.list('t1'))[2]).toMatchObject({ actor: 'U1', data: { x: 1 }, taskId: 't1' });
  });
});

describe('ApprovalStore', () => {
  it('records the first decision only', async () => {
    const store = new ApprovalStore(await table(), new FixedClock());
    await store.request({ taskId: 't1', runId: 1, taskToken: 'tok' });
    const decisions = await Promise.all([
      store.decide('t1', ApprovalDecision.Approved, 'U1'),
      store.decide('t1', ApprovalDecision.Rejected, 'U2', 'no'),
    ]);
    const winners = decisions.filter((d) => d.won);
    expect(winners).toHaveLength(1);
    const loser = decisions.find((d) => !d.won);
    expect(loser?.approval?.decidedBy).toBe(winners[0]?.approval.decidedBy);
    expect(await store.decide('missing', ApprovalDecision.Approved, 'U1')).toEqual({
      won: false,
      approval: undefined,
    });
  });

  it('a new request replaces a decided one', async () => {
    const store = new ApprovalStore(await table(), new FixedClock());
    await store.request({ taskId: 't1', runId: 1, taskToken: 'old' });
    await store.decide('t1', ApprovalDecision.Approved, 'U1');
    await store.request({ taskId: 't1', runId: 2, taskToken: 'new' });
    await store.attachMessage('t1', 'C1', '123.456');
    expect(await store.get('t1')).toMatchObject({
      runId: 2,
      taskToken: 'new',
      channel: 'C1',
      messageTs: '123.456',
    });
    expect((await store.get('t1'))?.decision).toBeUndefined();
  });
});

describe('CiWaitStore', () => {
  it('lets one caller take a wait, keyed case-insensitively by repo', async () => {
    const store = new CiWaitStore(await table(), new FixedClock());
    await store.register({ repo: 'Acme/App', sha: 'abc', taskId: 't1', runId: 1, taskToken: 'tok1' });
    await store.register({ repo: 'acme/app', sha: 'abc', taskId: 't2', runId: 1, taskToken: 'tok2' });
    const waits = await store.listForCommit('ACME/app', 'abc');
    expect(waits.map((w) => w.taskId).sort()).toEqual(['t1', 't2']);
    const [first, second] = waits;
    if (first === undefined || second === undefined) throw new Error('expected two waits');
    const taken = await Promise.all([store.take(first), store.take(first)]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await store.take({ ...second, taskToken: 'stale' })).toBe(false);
    expect(await store.listForCommit('acme/app', 'abc')).toHaveLength(1);
  });
});

describe('ThreadStore', () => {
  it('keeps the first thread of a task', async () => {
    const store = new ThreadStore(await table());
    expect(await store.putIfAbsent({ taskId: 't1', channel: 'C1', threadTs: '1.1' })).toEqual({
      taskId: 't1',
      channel: 'C1',
      threadTs: '1.1',
    });
    expect(await store.putIfAbsent({ taskId: 't1', channel: 'C2', threadTs: '2.2' })).toEqual({
      taskId: 't1',
      channel: 'C1',
      threadTs: '1.1',
    });
    expect(await store.get('t2')).toBeUndefined();
  });
});

describe('CostStore', () => {
  it('adds each invocation to the task and the day', async () => {
    const ref = await table();
    const clock = new FixedClock(new Date('2026-05-02T10:00:00Z'));
    const tasks = new TaskRepository(ref, clock);
    const created = await tasks.createIfNoActive({
      source: TaskSource.Jira,
      externalKey: 'C-1',
      title: 't',
      context: { key: 'C-1', title: 't' },
    });
    if (!created.created) throw new Error('unreachable');
    const costs = new CostStore(ref, clock);
    const id = created.task.taskId;
    const base = { taskId: id, model: 'm', inputTokens: 1000, outputTokens: 100 };
    await costs.record({ ...base, agent: 'discovery', usd: 0.25 });
    clock.advance(1000);
    const totals = await costs.record({ ...base, agent: 'planning', usd: 0.5 });
    expect(totals).toEqual({ taskTotalUsd: 0.75, dayTotalUsd: 0.75 });
    expect((await tasks.get(id))?.costUsd).toBe(0.75);
    expect(await costs.daily('2026-05-02')).toEqual({
      date: '2026-05-02',
      usd: 0.75,
      inputTokens: 2000,
      outputTokens: 200,
      invocations: 2,
    });
    expect((await costs.forTask(id)).map((c) => c.agent)).toEqual(['discovery', 'planning']);
    const days = await costs.lastDays(2);
    expect(days.map((d) => [d.date, d.usd])).toEqual([
      ['2026-05-02', 0.75],
      ['2026-05-01', 0],
    ]);
  });
});
