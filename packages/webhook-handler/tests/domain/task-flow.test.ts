import { type DocumentClient, TaskRepository, TimelineRepository } from '@enterprise-agents/core/db';
import { TaskStatus } from '@enterprise-agents/core/domain';
import { type LocalDynamo, RecordingPublisher, startDynamo } from '@enterprise-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { requestRun, startOrReport } from '../../src/domain/task-flow';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo();
});

afterAll(async () => {
  await dynamo.stop();
});

const newTask = (key: string) => ({
  source: 'jira' as const,
  externalKey: key,
  title: `Task for ${key}`,
  context: { key, title: `Task for ${key}` },
});

/** A client whose task-item writes arrive late, like a slow or throttled DynamoDB partition. */
const slowTaskWrites = (client: DocumentClient, delayMs: number): DocumentClient =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: { input?: { Item?: { pk?: unknown; sk?: unknown } } }) => {
        const item = command.input?.Item;
        if (typeof item?.pk === 'string' && item.pk.startsWith('TASK#') && item.sk === 'META') {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
        }
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  });

describe('startOrReport', () => {
  it('starts one task for concurrent triggers even when the task write lags behind the key claim', async () => {
    const table = await dynamo.createTable('flow-slow');
    const slow = { ...table, client: slowTaskWrites(table.client, 150) };
    const publisher = new RecordingPublisher();
    const deps = { tasks: new TaskRepository(slow), timeline: new TimelineRepository(table), publisher };
    const outcomes = await Promise.all([
      startOrReport(deps, newTask('LAG-1'), 'a'),
      startOrReport(deps, newTask('LAG-1'), 'b'),
      startOrReport(deps, newTask('LAG-1'), 'c'),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['accepted', 'in-progress', 'in-progress']);
    const ids = new Set(outcomes.map((o) => o.taskId));
    expect(ids.size).toBe(1);
    expect(new Set(publisher.events.map((e) => e.taskId)).size).toBe(1);
  });

  it('republishes TaskRequested for a task still QUEUED (its first publish may have failed)', async () => {
    const table = await dynamo.createTable('flow-queued');
    const publisher = new RecordingPublisher();
    const deps = { tasks: new TaskRepository(table), timeline: new TimelineRepository(table), publisher };
    const first = await startOrReport(deps, newTask('Q-1'), 'a');
    const second = await startOrReport(deps, newTask('Q-1'), 'a');
    expect(second).toMatchObject({ status: 'in-progress', taskId: first.taskId });
    expect(publisher.events).toHaveLength(2);
    await deps.tasks.claim(String(first.taskId), 1, 'arn:aws:states:us-east-1:1:execution:sm:x');
    const third = await startOrReport(deps, newTask('Q-1'), 'a');
    expect(third.status).toBe('in-progress');
    expect(publisher.events).toHaveLength(2);
  });
});

describe('requestRun', () => {
  it('starts a new run on an ended task and reports busy while one is active', async () => {
    const table = await dynamo.createTable('flow-rerun');
    const publisher = new RecordingPublisher();
    const deps = { tasks: new TaskRepository(table), timeline: new TimelineRepository(table), publisher };
    const created = await deps.tasks.createIfNoActive({ ...newTask('R-1'), repo: 'acme/pay', prNumber: 7 });
    if (!created.created) throw new Error('not created');
    await deps.tasks.claim(created.task.taskId, 1, 'arn:exec');
    const busy = await requestRun(deps, created.task, 'fix', { author: 'ana', text: '' });
    expect(busy.started).toBe(false);
    await deps.tasks.transition(created.task.taskId, TaskStatus.Escalated);
    const run = await requestRun(deps, created.task, 'revise', { author: 'ana', text: 'use cents' });
    expect(run).toMatchObject({ started: true, task: { runId: 2, runKind: 'revise', status: 'QUEUED' } });
    expect(run.task.context.feedback).toEqual({ author: 'ana', text: 'use cents' });
    expect(publisher.events.at(-1)).toEqual({
      taskId: created.task.taskId,
      runId: 2,
      source: 'jira',
      kind: 'revise',
    });
  });
});
