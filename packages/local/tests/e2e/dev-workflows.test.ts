import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

jest.setTimeout(60_000);

import {
  APPROVER,
  adf,
  approvalMessage,
  clickButton,
  commentOnPr,
  createJiraIssue,
  type DevStack,
  getJson,
  post,
  SECRETS,
  sandboxCall,
  sendGitHub,
  sendJira,
  sendSentry,
  sendSlack,
  slackState,
  slashCommand,
  startDev,
  submitView,
  type TaskRow,
  taskDetail,
  tempDir,
  until,
  waitForStatus,
} from './support';

interface GitHubView {
  repos: { fullName: string; branches: { name: string; files: Record<string, string> | string[] }[] }[];
  pulls: { number: number; head: string; draft: boolean; state: string }[];
  comments: { issueNumber: number; user: string; body: string }[];
  webhooks: { event: string; action?: string; status: number | null }[];
}

interface JiraView {
  issues: { key: string; summary: string; comments: { author: string; text: string }[] }[];
  webhooks: { event: string; status: number | null }[];
}

/**
 * `make dev` started as a user starts it (environment, a data directory, a free
 * port), then driven over HTTP only: vendors' signed webhooks, Slack requests,
 * the sandboxes' REST APIs as their people, and the /local inspection API.
 */
describe('make dev: workflows over HTTP', () => {
  let stack: DevStack;
  const dataDir = tempDir('e2e-workflows');
  const developer = () => stack.people.developer.token;

  beforeAll(async () => {
    stack = await startDev({
      ...SECRETS,
      SLACK_APPROVERS: APPROVER,
      LOCAL_CI: 'red-then-green',
      DATA_DIR: dataDir,
    });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a ticket filed in the sandbox Jira becomes a completed task: plan, Slack approval, red CI, fix, green CI', async () => {
    const created = await createJiraIssue(stack, {
      project: { key: 'ACC' },
      issuetype: { name: 'Story' },
      summary: 'Export invoices as CSV',
      description: adf('Finance needs a CSV export of the month’s invoices.'),
      labels: ['AI'],
    });
    expect(created).toMatchObject({ status: 201, body: { key: 'ACC-1' } });

    await waitForStatus(stack, 'ACC-1', ['AWAITING_APPROVAL']);
    expect(await clickButton(stack, await approvalMessage(stack, 'ACC-1'), 'approve_plan')).toMatchObject({
      status: 200,
    });
    const { task, timeline } = await waitForStatus(stack, 'ACC-1', ['COMPLETED', 'ESCALATED', 'FAILED']);
    expect(task).toMatchObject({ status: 'COMPLETED', source: 'jira', repo: 'acme/app', attempts: 1 });
    const types = timeline.map((e) => e.type);
    for (const type of ['task.created', 'approval.requested', 'approval.approved', 'ci.failed', 'ci.passed'])
      expect(types).toContain(type);
    expect(timeline.find((e) => e.type === 'approval.approved')?.message).toContain(APPROVER);

    const rows = await getJson<TaskRow[]>(`${stack.url}/local/tasks`);
    expect(rows.find((r) => r.externalKey === 'ACC-1')).toMatchObject({
      source: 'jira',
      status: 'COMPLETED',
      repo: 'acme/app',
      prNumber: task.prNumber,
      headSha: expect.stringMatching(/^[0-9a-f]{40}$/),
      attempts: 1,
      costUsd: expect.any(Number),
    });

    const github = await getJson<GitHubView>(`${stack.url}/local/sandbox/github`);
    const branch = github.repos[0]?.branches.find((b) => b.name.startsWith('agent/ACC-1-'));
    expect(Object.keys(branch?.files ?? {})).toContain('PLAN.md');
    expect(github.pulls).toContainEqual(expect.objectContaining({ number: task.prNumber, draft: true }));
    expect(github.webhooks).toContainEqual(
      expect.objectContaining({ event: 'pull_request', action: 'opened' }),
    );

    const jira = await getJson<JiraView>(`${stack.url}/local/sandbox/jira`);
    expect(jira.webhooks[0]).toMatchObject({ event: 'jira:issue_created', status: 202 });
    const comments = jira.issues.find((i) => i.key === 'ACC-1')?.comments ?? [];
    expect(comments.map((c) => c.text).join('\n')).toMatch(/Plan: .*pull\/\d+[\s\S]*Ready for review/);

    const slack = await slackState(stack);
    expect(slack.messages.some((m) => m.text.includes('ACC-1'))).toBe(true);
  });

  it('a delivery sent by hand for a key the sandbox never saw flows; /agent approve and revise on the PR', async () => {
    const delivery = {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_created',
      issue_event_type_name: 'issue_created',
      user: { accountId: 'u-1', displayName: 'Ops Lead' },
      issue: {
        id: '20007',
        self: 'https://acme.atlassian.net/rest/api/2/issue/20007',
        key: 'OPS-7',
        fields: {
          summary: 'Rotate the application logs daily',
          description: 'Logs fill the disk after a week.',
          labels: ['AI'],
          project: { key: 'OPS' },
          issuetype: { name: 'Task' },
        },
      },
    };
    expect(await sendJira(stack, delivery, { deliveryId: 'by-hand-ops-7' })).toMatchObject({
      status: 202,
      body: { status: 'accepted' },
    });
    // Jira redelivers with the same identifier: acknowledged, not processed twice.
    expect(await sendJira(stack, delivery, { deliveryId: 'by-hand-ops-7' })).toMatchObject({
      status: 200,
      body: { status: 'duplicate' },
    });

    const { task } = await waitForStatus(stack, 'OPS-7', ['AWAITING_APPROVAL']);
    const pr = task.prNumber as number;
    const comments = async () => (await getJson<GitHubView>(`${stack.url}/local/sandbox/github`)).comments;

    // Someone without write access cannot approve.
    expect(
      (await commentOnPr(stack, 'acme/app', pr, '/agent approve', stack.people.outsider.token)).status,
    ).toBe(201);
    await until(
      'the refusal reply',
      async () =>
        (await comments()).find(
          (c) => c.issueNumber === pr && c.body.includes('only people with write access'),
        ),
      { stack },
    );
    expect((await taskDetail(stack, 'OPS-7')).task.status).toBe('AWAITING_APPROVAL');

    expect((await commentOnPr(stack, 'acme/app', pr, '/agent approve', developer())).status).toBe(201);
    const done = await waitForStatus(stack, 'OPS-7', ['COMPLETED', 'ESCALATED', 'FAILED']);
    expect(done.task.status).toBe('COMPLETED');
    expect(done.timeline.find((e) => e.type === 'approval.approved')?.message).toMatch(/dev/);

    // The sandbox Jira learned the issue from the delivery, so the agents could comment on it.
    const jira = await getJson<JiraView>(`${stack.url}/local/sandbox/jira`);
    expect(jira.issues.find((i) => i.key === 'OPS-7')).toMatchObject({
      summary: 'Rotate the application logs daily',
      comments: expect.arrayContaining([expect.objectContaining({ author: 'Agent Bot' })]),
    });

    // A GitHub redelivery (same X-GitHub-Delivery) is acknowledged once.
    const statusComment = {
      action: 'created',
      issue: { number: pr, pull_request: { url: `https://api.github.com/repos/acme/app/pulls/${pr}` } },
      comment: { id: 1, body: '/agent status', user: { login: 'dev', type: 'User' } },
      repository: { full_name: 'acme/app', name: 'app', owner: { login: 'acme', type: 'Organization' } },
      sender: { login: 'dev', type: 'User' },
    };
    expect(
      await sendGitHub(stack, 'issue_comment', statusComment, { deliveryId: 'gh-redelivery-1' }),
    ).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(
      await sendGitHub(stack, 'issue_comment', statusComment, { deliveryId: 'gh-redelivery-1' }),
    ).toMatchObject({ status: 200, body: { status: 'duplicate' } });

    // A revision is a new run on the same PR (the plan was approved already).
    expect(
      (await commentOnPr(stack, 'acme/app', pr, '/agent revise Also compress old logs', developer())).status,
    ).toBe(201);
    const revised = await waitForStatus(stack, 'OPS-7', ['COMPLETED'], 2);
    expect(revised.task).toMatchObject({ runKind: 'revise', prNumber: pr });
    expect(
      (await comments()).some(
        (c) => c.issueNumber === pr && c.body.includes('Revision run 2 requested by @dev'),
      ),
    ).toBe(true);
  });

  it('a Sentry alert becomes a bug-fix task, approved with /agent approve in Slack; a change request revises it', async () => {
    const alert = {
      action: 'triggered',
      installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
      data: {
        event: {
          event_id: '9fac2ceed9344f2bbfdd1fdacb0ed9b1',
          issue_id: '1170820242',
          title: "TypeError: Cannot read properties of undefined (reading 'id')",
          level: 'error',
          platform: 'node',
          culprit: 'src/login.ts in login',
          web_url: 'https://acme.sentry.io/issues/1170820242/',
          exception: {
            values: [
              {
                type: 'TypeError',
                value: "Cannot read properties of undefined (reading 'id')",
                stacktrace: {
                  frames: [{ filename: 'src/login.ts', function: 'login', lineno: 1, in_app: true }],
                },
              },
            ],
          },
        },
        triggered_rule: 'New errors in production',
      },
      actor: { type: 'application', id: 'sentry', name: 'Sentry' },
    };
    expect(await sendSentry(stack, 'event_alert', alert)).toMatchObject({ status: 202 });
    // The same issue alerting again (a new event) does not start a second task.
    const again = {
      ...alert,
      data: { ...alert.data, event: { ...alert.data.event, event_id: 'a'.repeat(32) } },
    };
    expect(await sendSentry(stack, 'event_alert', again)).toMatchObject({ status: 200 });

    const waiting = await waitForStatus(stack, '1170820242', ['AWAITING_APPROVAL']);
    expect(waiting.task.source).toBe('sentry');
    expect(await slashCommand(stack, stack.sandboxes.slack, `approve ${waiting.task.taskId}`)).toMatchObject({
      status: 200,
    });
    const { task } = await waitForStatus(stack, '1170820242', ['COMPLETED', 'ESCALATED', 'FAILED']);
    expect(task.status).toBe('COMPLETED');

    // Changes requested in a review on the PR start a revision run.
    const review = await sandboxCall(
      `${stack.sandboxes.github}/repos/acme/app/pulls/${task.prNumber}/reviews`,
      'POST',
      `token ${developer()}`,
      { event: 'REQUEST_CHANGES', body: 'Guard against a missing user too', comments: [] },
    );
    expect(review).toMatchObject({ status: 200, body: { state: 'CHANGES_REQUESTED' } });
    const revised = await waitForStatus(stack, '1170820242', ['COMPLETED'], 2);
    expect(revised.task.runKind).toBe('revise');
    expect(JSON.stringify(revised.task.context)).toContain('Guard against a missing user too');
  });

  it('reject from Slack: the Reject button opens the reason dialog, and submitting it rejects the plan', async () => {
    await createJiraIssue(stack, {
      project: { key: 'ACC' },
      issuetype: { name: 'Story' },
      summary: 'Dark mode',
      labels: ['ai'],
    });
    const waiting = await waitForStatus(stack, 'ACC-2', ['AWAITING_APPROVAL']);
    expect(await clickButton(stack, await approvalMessage(stack, 'ACC-2'), 'reject_plan')).toMatchObject({
      status: 200,
    });
    const view = await until(
      'the reject dialog',
      async () =>
        (await slackState(stack)).views.find((v) => v.view.private_metadata.includes(waiting.task.taskId)),
      { stack },
    );
    expect(await submitView(stack, view, 'Design is not ready')).toMatchObject({ status: 200 });
    const { task } = await waitForStatus(stack, 'ACC-2', ['REJECTED']);
    expect(task.statusReason).toContain('Design is not ready');
  });

  it('/agent reject on the PR rejects the plan and answers on the PR', async () => {
    await createJiraIssue(stack, {
      project: { key: 'ACC' },
      issuetype: { name: 'Task' },
      summary: 'Rename the app',
      labels: ['AI'],
    });
    const { task } = await waitForStatus(stack, 'ACC-3', ['AWAITING_APPROVAL']);
    const pr = task.prNumber as number;
    expect(
      (await commentOnPr(stack, 'acme/app', pr, '/agent reject Duplicate of ACC-1', developer())).status,
    ).toBe(201);
    expect((await waitForStatus(stack, 'ACC-3', ['REJECTED'])).task.statusReason).toContain(
      'Duplicate of ACC-1',
    );
    const github = await getJson<GitHubView>(`${stack.url}/local/sandbox/github`);
    expect(
      github.comments.some((c) => c.issueNumber === pr && c.body.includes('Plan rejected by @dev')),
    ).toBe(true);
  });

  it('closing the PR through the sandbox GitHub API cancels the task (pull_request closed webhook)', async () => {
    await createJiraIssue(stack, {
      project: { key: 'ACC' },
      issuetype: { name: 'Bug' },
      summary: 'Typo on the login page',
      labels: ['AI'],
    });
    const { task } = await waitForStatus(stack, 'ACC-4', ['AWAITING_APPROVAL']);
    const closed = await sandboxCall(
      `${stack.sandboxes.github}/repos/acme/app/pulls/${task.prNumber}`,
      'PATCH',
      `token ${developer()}`,
      { state: 'closed' },
    );
    expect(closed).toMatchObject({ status: 200, body: { state: 'closed' } });
    expect((await waitForStatus(stack, 'ACC-4', ['CANCELLED'])).task.statusReason).toMatch(
      /closed without merging/,
    );
  });

  it('every route refuses a wrong signature with 401, including the default local secrets', async () => {
    const jira = { webhookEvent: 'jira:issue_created', issue: { key: 'ACC-99', fields: { labels: ['AI'] } } };
    const wrong = 'not-the-secret';
    const answers = {
      jira: await sendJira(stack, jira, { secret: wrong }),
      jiraDefault: await sendJira(stack, jira, { secret: 'local-jira-webhook-secret' }),
      github: await sendGitHub(stack, 'ping', { zen: 'hi', hook_id: 1 }, { secret: wrong }),
      githubDefault: await sendGitHub(
        stack,
        'ping',
        { zen: 'hi' },
        { secret: 'local-github-webhook-secret' },
      ),
      sentry: await sendSentry(stack, 'event_alert', { action: 'triggered', data: {} }, { secret: wrong }),
      slackCommand: await sendSlack(
        stack,
        '/slack/commands',
        { command: '/agent', text: 'list' },
        { secret: wrong },
      ),
      slackInteraction: await sendSlack(stack, '/slack/interactions', { payload: '{}' }, { secret: wrong }),
      // Right secret, but a replayed request from ten minutes ago.
      slackStale: await sendSlack(
        stack,
        '/slack/commands',
        { command: '/agent', text: 'list' },
        { timestamp: Math.floor(Date.now() / 1000) - 600 },
      ),
      unsigned: await post(`${stack.url}/webhooks/github`, '{}', {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': 'x',
      }),
    };
    for (const [name, answer] of Object.entries(answers))
      expect({ name, status: answer.status }).toEqual({ name, status: 401 });
    // The right secret passes (the configured one, not the default).
    expect((await sendGitHub(stack, 'ping', { zen: 'hi' })).status).toBe(200);
    expect(await getJson(`${stack.url}/health`)).toMatchObject({ status: 'ok' });
  });

  it('the /local API answers only this machine: a relayed request (tunnel) is refused with 403', async () => {
    const relayed = { 'x-forwarded-for': '203.0.113.9' };
    expect((await fetch(`${stack.url}/local/tasks`, { headers: relayed })).status).toBe(403);
    expect(
      (await fetch(`${stack.url}/local/sandbox/slack`, { headers: { 'cf-connecting-ip': '203.0.113.9' } }))
        .status,
    ).toBe(403);
    expect((await post(`${stack.url}/local/slack/approve/ACC-1`, '', relayed)).status).toBe(403);
    expect((await fetch(`${stack.url}/local/sandbox/nothing`)).status).toBe(404);
    expect((await fetch(`${stack.url}/local/tasks/NOPE-1`)).status).toBe(404);
    const detail = await taskDetail(stack, 'ACC-1');
    expect((await taskDetail(stack, detail.task.taskId)).task.externalKey).toBe('ACC-1');
  });
});
