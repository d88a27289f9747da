import { randomUUID } from 'node:crypto';
import { hmacSha256Hex, signSlackRequest } from '@enterprise-agents/core/signatures';
import type { SlackFakeMessage } from '@enterprise-agents/fakes/slack';
import { LOCAL_DEFAULTS } from './config';
import type { LocalStack } from './create-stack';

/** What the drivers need of a stack: its URL, configured secrets and sandboxes. */
export type DriveTarget = Pick<LocalStack, 'url' | 'settings' | 'slack' | 'jira' | 'sentry'>;

/**
 * What the outside world sends to the local stack, signed exactly as the
 * vendors sign it (with the secrets the stack was configured with): a Jira
 * webhook, a Sentry alert, a Slack button click or slash command.
 */
export const sendJiraIssueCreated = async (
  stack: DriveTarget,
  issue: { key: string; summary: string; description: string; labels?: string[] },
): Promise<{ status: number; body: unknown }> => {
  const project = issue.key.split('-')[0] ?? LOCAL_DEFAULTS.jiraProject;
  const body = JSON.stringify({
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_created',
    issue_event_type_name: 'issue_created',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Product Owner' },
    issue: {
      id: '10042',
      self: `${stack.jira.url}/rest/api/3/issue/10042`,
      key: issue.key,
      fields: {
        summary: issue.summary,
        description: issue.description,
        labels: issue.labels ?? ['AI'],
        issuetype: { name: 'Story' },
        project: { key: project, name: project },
        status: { name: 'To Do' },
        reporter: { displayName: 'Product Owner' },
      },
    },
  });
  const response = await fetch(`${stack.url}/webhooks/jira`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-atlassian-webhook-identifier': randomUUID(),
      'x-hub-signature': `sha256=${hmacSha256Hex(stack.settings.secrets.jiraWebhook, body)}`,
    },
    body,
  });
  return { status: response.status, body: await response.json() };
};

/** The approval message with Approve / Reject buttons, once the workflow posted it. */
export const waitForApprovalMessage = async (
  stack: Pick<LocalStack, 'slack'>,
  timeoutMs = 15_000,
): Promise<SlackFakeMessage> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const message = stack.slack
      .messages()
      .find(
        (m) =>
          JSON.stringify(m.blocks ?? []).includes('approve_plan') &&
          !JSON.stringify(m.blocks ?? []).includes('Approved by'),
      );
    if (message !== undefined) return message;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no approval request reached Slack');
};

/** Clicks a button of a message as a Slack user, through the signed interactivity endpoint. */
export const clickButton = async (
  stack: DriveTarget,
  message: SlackFakeMessage,
  actionId: 'approve_plan' | 'reject_plan',
  user: string = stack.settings.slack.approvers[0] ?? LOCAL_DEFAULTS.approver,
): Promise<number> => {
  const blocks = (message.blocks ?? []) as {
    type: string;
    elements?: { action_id?: string; value?: string }[];
  }[];
  const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);
  if (button === undefined) throw new Error(`message has no ${actionId} button`);
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'approver', team_id: 'T0LOCAL' },
    team: { id: 'T0LOCAL', domain: 'local' },
    channel: { id: message.channel, name: 'agents' },
    message: { ts: message.ts, text: message.text },
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'approval',
        value: button.value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
    response_url: stack.slack.responseUrl(),
    trigger_id: `${Date.now()}.local`,
    api_app_id: 'A0LOCAL',
    token: 'deprecated',
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${stack.url}/slack/interactions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(body, stack.settings.secrets.slackSigning, timestamp),
    },
    body,
  });
  return response.status;
};

/** The latest approval message of a task's key in the sandbox Slack, waiting a little for it to be posted. */
const approvalMessageFor = async (
  stack: Pick<LocalStack, 'slack'>,
  key: string,
  timeoutMs = 5_000,
): Promise<SlackFakeMessage> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = stack.slack
      .messages()
      .filter((m) => m.text.includes(key) && JSON.stringify(m.blocks ?? []).includes('approve_plan'))
      .at(-1);
    if (message !== undefined) return message;
    if (Date.now() > deadline) throw new Error(`no approval message for ${key} in the sandbox Slack`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Clicks Approve on the approval message of `key`, as the first configured approver. */
export const approvePlan = async (
  stack: DriveTarget,
  key: string,
): Promise<{ status: number; body: unknown }> => ({
  status: await clickButton(stack, await approvalMessageFor(stack, key), 'approve_plan'),
  body: `approve click on the plan of ${key}`,
});

/** `/agent reject KEY reason`, as the first configured approver. */
export const rejectPlan = (
  stack: DriveTarget,
  key: string,
  reason: string,
): Promise<{ status: number; body: unknown }> => sendSlashCommand(stack, `reject ${key} ${reason}`);

/** A Sentry issue alert (`event_alert.triggered`), signed with the integration's client secret. */
export const sendSentryEventAlert = async (
  stack: DriveTarget,
  alert: {
    issueId: string;
    eventId: string;
    title: string;
    culprit: string;
    frames: { filename: string; function: string; lineno: number; inApp: boolean }[];
  },
): Promise<{ status: number; body: unknown }> => {
  const body = JSON.stringify({
    action: 'triggered',
    installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
    data: {
      event: {
        event_id: alert.eventId,
        issue_id: alert.issueId,
        issue_url: `${stack.sentry.url}/api/0/issues/${alert.issueId}/`,
        web_url: `https://acme.sentry.io/issues/${alert.issueId}/`,
        title: alert.title,
        level: 'error',
        platform: 'node',
        culprit: alert.culprit,
        exception: {
          values: [
            {
              type: 'TypeError',
              value: alert.title,
              stacktrace: {
                frames: alert.frames.map((f) => ({
                  abs_path: `/srv/app/${f.filename}`,
                  filename: f.filename,
                  function: f.function,
                  lineno: f.lineno,
                  in_app: f.inApp,
                })),
              },
            },
          ],
        },
        tags: [['environment', 'production']],
      },
      triggered_rule: 'New errors in production',
      issue_alert: { title: 'New errors in production', settings: [] },
    },
    actor: { type: 'application', id: 'sentry', name: 'Sentry' },
  });
  const response = await fetch(`${stack.url}/webhooks/sentry`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'request-id': randomUUID().replaceAll('-', ''),
      'sentry-hook-resource': 'event_alert',
      'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
      'sentry-hook-signature': hmacSha256Hex(stack.settings.secrets.sentryClient, body),
    },
    body,
  });
  return { status: response.status, body: await response.json() };
};

/** A signed `/agent …` slash command from a Slack user; returns the immediate answer. */
export const sendSlashCommand = async (
  stack: DriveTarget,
  text: string,
  user: string = stack.settings.slack.approvers[0] ?? LOCAL_DEFAULTS.approver,
): Promise<{ status: number; body: unknown }> => {
  const body = new URLSearchParams({
    token: 'deprecated',
    team_id: 'T0LOCAL',
    team_domain: 'local',
    channel_id: stack.settings.slack.defaultChannel,
    channel_name: 'agents',
    user_id: user,
    user_name: 'approver',
    command: '/agent',
    text,
    response_url: stack.slack.responseUrl(),
    trigger_id: `${Date.now()}.local`,
    api_app_id: 'A0LOCAL',
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${stack.url}/slack/commands`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(body, stack.settings.secrets.slackSigning, timestamp),
    },
    body,
  });
  const text2 = await response.text();
  let parsed: unknown = text2;
  try {
    parsed = JSON.parse(text2);
  } catch {
    // Slack accepts plain-text answers too.
  }
  return { status: response.status, body: parsed };
};
