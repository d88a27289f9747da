import { CiState, decideCi, retryDelayMs, type WorkflowRunSummary } from '@enterprise-agents/core/github';

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

describe('OctokitGitHub.workflowRunsForCommit', () => {
  it('keeps every run of a workflow on the commit, so a red push run is not hidden by a green pull_request run', async () => {
    const { createServer } = await import('node:http');
    const { createGitHubClient, OctokitGitHub } = await import('@enterprise-agents/core/github');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          total_count: 2,
          workflow_runs: [
            {
              id: 100,
              workflow_id: 7,
              name: 'ci',
              status: 'completed',
              conclusion: 'failure',
              run_attempt: 1,
              event: 'push',
            },
            {
              id: 101,
              workflow_id: 7,
              name: 'ci',
              status: 'completed',
              conclusion: 'success',
              run_attempt: 1,
              event: 'pull_request',
            },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const github = new OctokitGitHub(
        createGitHubClient({ auth: { type: 'token', token: 't' }, baseUrl: `http://127.0.0.1:${port}` }),
      );
      const runs = await github.workflowRunsForCommit('acme/app', 'abc');
      expect(runs.map((r) => r.id)).toEqual([100, 101]);
      expect(decideCi(runs).state).toBe(CiState.Failure);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
