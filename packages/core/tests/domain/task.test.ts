import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { isTerminalStatus, TaskStatus, TERMINAL_STATUSES } from '../../src/domain/constants';
import { canTransition, INITIAL_TASK_STATUS, TASK_TRANSITIONS } from '../../src/domain/task';

const {
  Queued,
  Discovering,
  Planning,
  AwaitingApproval,
  Executing,
  AwaitingCi,
  Fixing,
  Completed,
  Rejected,
  Escalated,
  Cancelled,
  Failed,
} = TaskStatus;
const ACTIVE = Object.values(TaskStatus).filter((status) => !isTerminalStatus(status));

/** Consecutive pairs of a path: [a, b, c] → [a, b], [b, c]. */
const moves = (path: TaskStatus[]): [TaskStatus, TaskStatus][] =>
  path.slice(1).map((to, i) => [path[i] as TaskStatus, to]);

describe('TASK_TRANSITIONS', () => {
  it('has a row for every status, and a task is created QUEUED', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual(Object.values(TaskStatus).sort());
    expect(INITIAL_TASK_STATUS).toBe(Queued);
  });

  it.each([
    // The state machine (infrastructure/statemachine/src/orchestrator.ts), one run at a time.
    [
      'a new Jira / Sentry run',
      [Queued, Discovering, Planning, AwaitingApproval, Executing, AwaitingCi, Completed],
    ],
    ['the CI loop', [Executing, AwaitingCi, Fixing, AwaitingCi, Fixing, AwaitingCi, Completed]],
    ['a revise run (claimed into EXECUTING)', [Queued, Executing, AwaitingCi, Completed]],
    ['an /agent fix run', [Queued, Executing, Fixing, AwaitingCi, Completed]],
    ['a rejected plan', [AwaitingApproval, Rejected]],
    ['a retried or continued step writes its status again', [Discovering, Discovering, Planning, Planning]],
    ['RecordAwaitingApproval then RequestApproval', [AwaitingApproval, AwaitingApproval]],
    ['a new run on an ended task (requestRun)', [Completed, Queued]],
  ])('allows %s', (_, path) => {
    for (const [from, to] of moves(path))
      expect({ from, to, allowed: canTransition(from, to) }).toEqual({ from, to, allowed: true });
  });

  it('lets every active status end (escalate, fail, stop, complete on a merged PR, reject) and QUEUED roll back', () => {
    for (const from of ACTIVE)
      for (const to of TERMINAL_STATUSES)
        expect({ from, to, allowed: canTransition(from, to) }).toEqual({ from, to, allowed: true });
  });

  it('lets a run skip ahead but never go back (except FIXING → AWAITING_CI)', () => {
    const order = [Discovering, Planning, AwaitingApproval, Executing, AwaitingCi, Fixing];
    for (const [i, from] of order.entries())
      for (const [j, to] of order.entries()) {
        const allowed = j >= i || (from === Fixing && to === AwaitingCi);
        expect({ from, to, allowed: canTransition(from, to) }).toEqual({ from, to, allowed });
      }
  });

  it.each([
    [Executing, Planning],
    [AwaitingCi, Executing],
    [AwaitingApproval, Discovering],
    [Fixing, Executing],
    [Planning, Discovering],
    [Discovering, Queued],
    [AwaitingCi, Queued],
    [Queued, Queued],
    [Completed, Escalated],
    [Escalated, Completed],
    [Cancelled, Discovering],
    [Rejected, Executing],
    [Failed, Failed],
  ])('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('an ended task moves only to QUEUED (a new run), and only an ended task does', () => {
    for (const from of TERMINAL_STATUSES) expect(TASK_TRANSITIONS[from]).toEqual([Queued]);
    for (const from of ACTIVE) expect(canTransition(from, Queued)).toBe(false);
  });

  it('is the table docs/contracts.md shows under "Task statuses"', () => {
    const doc = readFileSync(new URL('../../../../docs/contracts.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Task statuses'));
    const rows = section.slice(section.indexOf('| from')).split('\n\n')[0]?.split('\n').slice(2) ?? [];
    const statuses = (cell: string): string[] =>
      cell === 'any end'
        ? [...TERMINAL_STATUSES]
        : [...cell.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] as string);
    const documented = Object.fromEntries(
      rows.flatMap((row) => {
        const [from = '', to = ''] = row
          .split('|')
          .slice(1, 3)
          .map((cell) => cell.trim());
        const targets = to.split(', ').flatMap(statuses);
        return statuses(from).map((status) => [status, targets]);
      }),
    );
    expect(documented).toEqual(TASK_TRANSITIONS);
  });
});
