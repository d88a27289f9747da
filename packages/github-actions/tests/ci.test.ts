import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './helpers';

const failingLog = [
  '2024-05-01T10:00:00.0000000Z ##[group]Run npm test',
  ...Array.from({ length: 300 }, (_, i) => `2024-05-01T10:00:01.0000000Z PASS src/ok-${i}.test.ts`),
  '2024-05-01T10:00:02.0000000Z FAIL src/login.test.ts',
  '2024-05-01T10:00:02.0000000Z   ● login › rejects a bad password',
  '2024-05-01T10:00:02.0000000Z     Expected: 401',
  '2024-05-01T10:00:02.0000000Z     Received: 500',
  '2024-05-01T10:00:03.0000000Z ##[error]Process completed with exit code 1.',
].join('\n');

describe('CI tools against the GitHub fake', () => {
  let h: Harness;
  let sha: string;
  let failedJobId: number;

  beforeAll(async () => {
    h = await startHarness();
    h.fake.state.seedRepo({ fullName: 'acme/app' });
    sha = h.fake.state.headOf('acme/app', 'main') as string;
    h.fake.state.addWorkflowRun({
      repo: 'acme/app',
      headSha: sha,
      name: 'Lint',
      workflowId: 1,
      conclusion: 'success',
      jobs: [{ name: 'lint' }],
    });
    // A re-run keeps its run id with a new attempt, and GitHub lists only the latest
    // attempt: the run below is attempt 2 of the Test workflow's run.
    const { jobs } = h.fake.state.addWorkflowRun({
      repo: 'acme/app',
      headSha: sha,
      name: 'Test',
      workflowId: 2,
      conclusion: 'failure',
      runAttempt: 2,
      jobs: [
        { name: 'build', conclusion: 'success' },
        {
          name: 'unit tests',
          conclusion: 'failure',
          steps: [
            { name: 'Checkout', conclusion: 'success' },
            { name: 'npm test', conclusion: 'failure' },
          ],
          log: failingLog,
          annotations: [
            {
              path: '.github',
              start_line: 1,
              end_line: 1,
              annotation_level: 'failure',
              message: 'Process completed with exit code 1.',
            },
            {
              path: 'src/login.test.ts',
              start_line: 12,
              end_line: 12,
              annotation_level: 'failure',
              message: 'Expected: 401\nReceived: 500',
              title: 'login › rejects a bad password',
            },
            {
              path: 'src/old.ts',
              start_line: 3,
              end_line: 4,
              annotation_level: 'warning',
              message: 'deprecated',
            },
          ],
        },
      ],
    });
    failedJobId = (jobs[1] as { id: number }).id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists the latest runs of a commit, the CI state and the failed jobs with failed steps', async () => {
    const { status, body } = await h.call('listWorkflowRuns', { repo: 'acme/app', headSha: sha });
    expect(status).toBe(200);
    expect(body.state).toBe('failure');
    expect((body.runs as unknown[]).length).toBe(2);
    expect(body.failedJobs).toEqual([
      expect.objectContaining({
        jobId: failedJobId,
        name: 'unit tests',
        conclusion: 'failure',
        failedSteps: ['npm test'],
      }),
    ]);
  });

  it('reports pending when no run exists yet, and refuses a short SHA', async () => {
    const none = await h.call('listWorkflowRuns', { repo: 'acme/app', headSha: 'b'.repeat(40) });
    expect(none.body).toMatchObject({ state: 'pending', runs: [] });
    expect((await h.call('listWorkflowRuns', { repo: 'acme/app', headSha: 'abc123' })).status).toBe(400);
  });

  it('returns the failing part of a job log through the logs redirect', async () => {
    const { status, body } = await h.call('getJobLog', {
      repo: 'acme/app',
      jobId: failedJobId,
      maxChars: 1000,
    });
    expect(status).toBe(200);
    expect(body.failedSteps).toEqual(['npm test']);
    expect(body.errors).toEqual(
      expect.arrayContaining(['FAIL src/login.test.ts', '##[error]Process completed with exit code 1.']),
    );
    expect(body.excerpt).toContain('Received: 500');
    expect(body.excerpt).toMatch(/earlier lines omitted/);
    expect(body.truncated).toBe(true);
    expect(String(body.excerpt).length).toBeLessThan(1100);
    const logRequests = h.fake.requests.filter(
      (r) => r.path.endsWith('/logs') || r.path.startsWith('/_fake/job-logs/'),
    );
    expect(logRequests.map((r) => r.status)).toEqual([302, 200]);
  });

  it('lists jobs of a run and refuses unknown jobs with 404', async () => {
    const runId = h.fake.state.runs.at(-1)?.id as number;
    const jobs = await h.call('listJobs', { repo: 'acme/app', runId });
    expect((jobs.body.jobs as { name: string }[]).map((j) => j.name)).toEqual(['build', 'unit tests']);
    expect((await h.call('getJobLog', { repo: 'acme/app', jobId: 999999 })).status).toBe(404);
  });

  it('returns annotations, failures first', async () => {
    const { body } = await h.call('getCheckRunAnnotations', { repo: 'acme/app', checkRunId: failedJobId });
    const annotations = body.annotations as { level: string; path: string; line: number | string }[];
    expect(body.count).toBe(3);
    expect(annotations.map((a) => a.level)).toEqual(['failure', 'failure', 'warning']);
    expect(annotations[1]).toMatchObject({
      path: 'src/login.test.ts',
      line: 12,
      title: 'login › rejects a bad password',
    });
    expect(annotations[2]?.line).toBe('3-4');
  });
});
