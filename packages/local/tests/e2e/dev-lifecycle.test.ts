import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  createJiraIssue,
  type DevStack,
  getJson,
  post,
  runDevToExit,
  slackState,
  startDev,
  type TaskRow,
  tempDir,
  waitForStatus,
} from './support';

jest.setTimeout(60_000);

/**
 * `make dev` over its lifetime: CI that never turns green (escalation), a data
 * directory kept across a restart, a second instance on a busy port or data
 * directory, and configuration mistakes, each as the user would meet them.
 */
describe('make dev: escalation, restarts and startup errors', () => {
  const dataDir = tempDir('e2e-lifecycle');
  let stack: DevStack | undefined;
  const running = (): DevStack => {
    if (stack === undefined) throw new Error('the stack is not running');
    return stack;
  };

  beforeAll(async () => {
    // Nothing but the CI outcome and a data directory: the local defaults for the rest.
    stack = await startDev({ LOCAL_CI: 'red', DATA_DIR: dataDir });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('CI failing after every fix escalates the task after three attempts', async () => {
    const s = running();
    expect(s.output()).toContain('(new)');
    await createJiraIssue(s, {
      project: { key: 'ENG' },
      issuetype: { name: 'Story' },
      summary: 'Faster login',
      labels: ['AI'],
    });
    await waitForStatus(s, 'ENG-1', ['AWAITING_APPROVAL']);
    // The sandbox approver, through the signed Slack endpoints (what the banner tells a user to curl).
    expect(await post(`${s.url}/local/slack/approve/ENG-1`, '', {})).toMatchObject({
      status: 200,
      body: { slackStatus: 200 },
    });
    const { task, timeline } = await waitForStatus(s, 'ENG-1', ['ESCALATED', 'COMPLETED', 'FAILED']);
    expect(task).toMatchObject({ status: 'ESCALATED', attempts: 3 });
    expect(timeline.filter((e) => e.type === 'ci.failed')).toHaveLength(4);
    const slack = await slackState(s);
    expect(slack.messages.filter((m) => m.text.startsWith('CI failed'))).toHaveLength(3);
    expect(slack.messages.some((m) => m.text === 'ENG-1 needs a human')).toBe(true);
  });

  it('a second instance on the same port, or the same data directory, says so and exits', async () => {
    const port = new URL(running().url).port;
    const [busyPort, busyDir] = await Promise.all([
      runDevToExit({ PORT: port }),
      runDevToExit({ DATA_DIR: dataDir }),
    ]);
    expect(busyPort.code).toBe(1);
    expect(busyPort.output).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(busyPort.output).toMatch(/PORT=\d+ make dev/);
    expect(busyDir.code).toBe(1);
    expect(busyDir.output).toContain(`DATA_DIR ${dataDir} is in use by another running local stack`);
    // The running one is unaffected.
    expect(await getJson(`${running().url}/health`)).toMatchObject({ status: 'ok' });
  });

  it('an invalid setting stops startup with a message naming the variable', async () => {
    const results = await Promise.all([
      runDevToExit({ MAX_FIX_ATTEMPTS: 'lots' }),
      runDevToExit({ JIRA_EMAIL: 'bot@acme.com' }),
      runDevToExit({ LOCAL_CI: 'blue' }),
      runDevToExit({}, ['--datadir', 'x']),
    ]);
    const [budget, partialJira, ci, flag] = results;
    for (const result of results) expect(result.code).toBe(2);
    expect(budget?.output).toContain('MAX_FIX_ATTEMPTS must be an integer');
    expect(partialJira?.output).toContain('JIRA_BASE_URL and JIRA_API_TOKEN are required with JIRA_EMAIL');
    expect(ci?.output).toContain('LOCAL_CI must be one of green, red-then-green, red');
    expect(flag?.output).toContain('unknown option --datadir');
  });

  it('a restart on the data directory keeps the tasks, and new pull requests keep their own numbers', async () => {
    const before = await getJson<TaskRow[]>(`${running().url}/local/tasks`);
    await running().stop();
    stack = undefined;
    stack = await startDev({ LOCAL_CI: 'green', DATA_DIR: dataDir });
    const s = running();
    expect(s.output()).toContain('(reused)');
    expect(await getJson<TaskRow[]>(`${s.url}/local/tasks`)).toEqual(before);
    expect((await waitForStatus(s, 'ENG-1', ['ESCALATED'])).timeline.length).toBeGreaterThan(10);

    // The Jira sandbox starts empty, so ENG-1 is a new issue there; the stack knows ENG-1's old task.
    await createJiraIssue(s, {
      project: { key: 'ENG' },
      issuetype: { name: 'Story' },
      summary: 'Audit log',
      labels: ['AI'],
    });
    const waiting = await waitForStatus(s, 'ENG-1', ['AWAITING_APPROVAL']);
    expect(waiting.task.prNumber).toBe(2);
    expect(await post(`${s.url}/local/slack/approve/ENG-1`, '', {})).toMatchObject({ status: 200 });
    expect((await waitForStatus(s, 'ENG-1', ['COMPLETED'])).task.runId).toBe(1);
    const rows = await getJson<TaskRow[]>(`${s.url}/local/tasks`);
    expect(
      rows
        .filter((r) => r.externalKey === 'ENG-1')
        .map((r) => r.status)
        .sort(),
    ).toEqual(['COMPLETED', 'ESCALATED']);
  });
});
