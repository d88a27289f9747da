import { latestRuns } from '@enterprise-agents/github-actions';
import type { RunInfo } from '../../src/domain/ports';

const run = (id: number, workflowId: number, runAttempt: number, conclusion: string): RunInfo => ({
  id,
  workflowId,
  runAttempt,
  name: `wf${workflowId}`,
  status: 'completed',
  conclusion,
  event: 'push',
  url: '',
});

describe('latestRuns', () => {
  it('keeps every run of one workflow on a commit (push and pull_request both count)', () => {
    const runs = latestRuns([run(100, 7, 1, 'failure'), run(101, 7, 1, 'success')]);
    expect(runs.map((r) => r.id)).toEqual([100, 101]);
  });

  it('keeps the latest attempt of a re-run', () => {
    const runs = latestRuns([run(100, 7, 1, 'failure'), run(100, 7, 2, 'success')]);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.runAttempt).toBe(2);
  });
});
