import { CiWaitStore } from '@enterprise-agents/core/db';
import { resolveCiWaits } from '@enterprise-agents/core/workflow';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './helpers';

describe('registerCiWait (Step Functions task)', () => {
  let h: Harness;
  let store: CiWaitStore;

  beforeAll(async () => {
    h = await startHarness();
    h.fake.state.seedRepo({ fullName: 'acme/app' });
    store = new CiWaitStore(h.dynamo.table);
  });
  afterAll(async () => {
    await h.close();
  });

  const event = (
    headSha: string,
    taskId = 'task-ci',
    taskToken = `token-${taskId}-${headSha.slice(0, 6)}`,
  ) => ({
    action: 'registerCiWait',
    taskToken,
    taskId,
    runId: 1,
    repo: 'Acme/App',
    headSha: headSha.toUpperCase(),
  });

  it('completes the token at once when CI already finished (no lost wake-up)', async () => {
    const sha = h.fake.state.pushCommit('acme/app', 'main', { 'a.txt': 'a' });
    h.fake.state.addWorkflowRun({ repo: 'acme/app', headSha: sha, conclusion: 'success' });
    const result = await h.handler(event(sha, 'task-done'));
    expect(result).toEqual({ registered: true, resolved: true });
    expect(h.callback.successes.at(-1)).toMatchObject({
      taskToken: `token-task-done-${sha.toUpperCase().slice(0, 6)}`,
      output: { success: true, headSha: sha, repo: 'acme/app' },
    });
    expect(await store.listForCommit('acme/app', sha)).toEqual([]);
    expect((await h.timeline.list('task-done')).map((e) => e.type)).toEqual(['ci.passed']);
  });

  it('hands failed jobs to the workflow when CI already failed', async () => {
    const sha = h.fake.state.pushCommit('acme/app', 'main', { 'b.txt': 'b' });
    h.fake.state.addWorkflowRun({
      repo: 'acme/app',
      headSha: sha,
      conclusion: 'failure',
      jobs: [{ name: 'test', conclusion: 'failure' }],
    });
    const result = await h.handler(event(sha, 'task-red'));
    expect(result).toEqual({ registered: true, resolved: true });
    const output = h.callback.successes.at(-1)?.output as {
      success: boolean;
      failedJobs: { name: string }[];
    };
    expect(output.success).toBe(false);
    expect(output.failedJobs.map((j) => j.name)).toEqual(['test']);
  });

  it('stores the wait while CI is pending; the webhook path resolves it exactly once', async () => {
    const sha = h.fake.state.pushCommit('acme/app', 'main', { 'c.txt': 'c' });
    const { run } = h.fake.state.addWorkflowRun({ repo: 'acme/app', headSha: sha, status: 'in_progress' });
    const before = h.callback.successes.length;
    expect(await h.handler(event(sha, 'task-wait'))).toEqual({ registered: true, resolved: false });
    const waits = await store.listForCommit('acme/app', sha);
    expect(waits).toEqual([
      expect.objectContaining({ taskId: 'task-wait', runId: 1, repo: 'acme/app', sha }),
    ]);
    expect(h.callback.successes.length).toBe(before);
    run.status = 'completed';
    run.conclusion = 'success';
    const { github } = {
      github: new (await import('@enterprise-agents/core/github')).OctokitGitHub(
        (await import('@enterprise-agents/core/github')).createGitHubClient({
          auth: { type: 'token', token: 'test-token' },
          baseUrl: h.fake.url,
        }),
      ),
    };
    const deps = { ciWaits: store, github, callback: h.callback, timeline: h.timeline };
    const [first, second] = await Promise.all([
      resolveCiWaits(deps, 'acme/app', sha),
      resolveCiWaits(deps, 'acme/app', sha),
    ]);
    const resumed = [first, second].flatMap((r) => (r.status === 'resolved' ? r.resumed : []));
    expect(resumed).toEqual(['task-wait']);
    expect(h.callback.successes.length).toBe(before + 1);
  });

  it('re-registering (state machine retry) replaces the token instead of duplicating the wait', async () => {
    const sha = h.fake.state.pushCommit('acme/app', 'main', { 'd.txt': 'd' });
    await h.handler(event(sha, 'task-retry', 'token-1'));
    await h.handler(event(sha, 'task-retry', 'token-2'));
    const waits = await store.listForCommit('acme/app', sha);
    expect(waits.map((w) => w.taskToken)).toEqual(['token-2']);
  });

  it.each([
    [{ taskToken: '' }, /taskToken/],
    [{ headSha: 'abc' }, /headSha/],
    [{ repo: 'not a repo' }, /repo/],
    [{ runId: '1' }, /runId/],
    [{ taskId: undefined }, /taskId/],
  ])('refuses a malformed payload %p', async (override, message) => {
    const sha = 'c'.repeat(40);
    await expect(h.handler({ ...event(sha), ...override })).rejects.toThrow(message);
  });
});
