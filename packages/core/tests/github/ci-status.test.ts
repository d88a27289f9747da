import { CiState, decideCi, retryDelayMs, type WorkflowRunSummary } from '@enterprise-agents/core';

const run = (id: number, status: string, conclusion: string | null): WorkflowRunSummary => ({
  id,
  name: `wf${id}`,
  status,
  conclusion,
});

describe('decideCi', () => {
  it.each([
    ['no runs yet', [], CiState.Pending],
    [
      'one run still in progress',
      [run(1, 'completed', 'success'), run(2, 'in_progress', null)],
      CiState.Pending,
    ],
    [
      'all passed (skipped and neutral count as passing)',
      [run(1, 'completed', 'success'), run(2, 'completed', 'skipped'), run(3, 'completed', 'neutral')],
      CiState.Success,
    ],
    [
      'one failed while another runs',
      [run(1, 'completed', 'failure'), run(2, 'in_progress', null)],
      CiState.Failure,
    ],
    ['timed out', [run(1, 'completed', 'timed_out')], CiState.Failure],
    ['cancelled', [run(1, 'completed', 'cancelled')], CiState.Failure],
    ['action required', [run(1, 'completed', 'action_required')], CiState.Failure],
  ])('%s', (_name, runs, state) => {
    expect(decideCi(runs).state).toBe(state);
  });

  it('lists the failed runs', () => {
    expect(
      decideCi([run(1, 'completed', 'success'), run(2, 'completed', 'failure')]).failedRuns.map((r) => r.id),
    ).toEqual([2]);
  });
});

describe('retryDelayMs', () => {
  const error = (status: number, headers: Record<string, string> = {}) => ({ status, response: { headers } });
  it('honours Retry-After on 429 and secondary rate limits', () => {
    expect(retryDelayMs(error(429, { 'retry-after': '3' }), 0)).toBe(3000);
    expect(retryDelayMs(error(403, { 'retry-after': '1' }), 0)).toBe(1000);
  });
  it('waits until the primary rate limit resets', () => {
    expect(
      retryDelayMs(error(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' }), 0, 1_000_000),
    ).toBe(10_000);
  });
  it('backs off on 5xx and does not retry other 4xx', () => {
    expect(retryDelayMs(error(502), 2)).toBeGreaterThanOrEqual(100);
    expect(retryDelayMs(error(404), 0)).toBeUndefined();
    expect(retryDelayMs(error(403), 0)).toBeUndefined();
    expect(retryDelayMs(new Error('x'), 0)).toBeUndefined();
  });
});
