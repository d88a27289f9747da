import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Drives `make dev` as a user would: the stack runs as a child process started
 * with `node scripts/local.mjs dev` and an environment, and everything after
 * that is HTTP: signed webhooks and Slack requests to the stack, the sandboxes'
 * REST APIs, and the /local inspection API. Nothing here imports the stack.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** The secrets the tests configure (not the stack's defaults, so the environment is proven read). */
export const SECRETS = {
  GITHUB_WEBHOOK_SECRET: 'e2e-github-secret',
  JIRA_WEBHOOK_SECRET: 'e2e-jira-secret',
  SENTRY_CLIENT_SECRET: 'e2e-sentry-secret',
  SLACK_SIGNING_SECRET: 'e2e-slack-secret',
} as const;

export const APPROVER = 'U0LEAD';

// Only what node needs: no credentials of the machine running the tests reach the child,
// so every vendor is a sandbox and nothing leaves 127.0.0.1.
const baseEnv = (): Record<string, string> => {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'SystemRoot'];
  return Object.fromEntries(
    keep.flatMap((key) => (process.env[key] === undefined ? [] : [[key, process.env[key] as string]])),
  );
};

export interface DevStack {
  url: string;
  sandboxes: { github: string; jira: string; slack: string; sentry: string };
  people: {
    developer: { login: string; token: string };
    outsider: { login: string; token: string };
    productOwner: { email: string; apiToken: string };
  };
  output(): string;
  stop(): Promise<void>;
}

export interface Exited {
  code: number | null;
  output: string;
}

/** The CLI `scripts/local.mjs dev` bundles and runs. */
const BUILT_CLI = join(ROOT, 'packages', 'local', 'dist', 'dev.mjs');

const spawnDev = (
  env: Record<string, string>,
  args: string[],
  built = false,
): { child: ChildProcess; output: () => string } => {
  const command = built
    ? ['--enable-source-maps', BUILT_CLI, '--no-env-file', ...args]
    : ['scripts/local.mjs', 'dev', '--no-env-file', ...args];
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...baseEnv(), ...env },
    // Its own process group, so that stop() ends the bundle it runs too.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return { child, output: () => output };
};

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((done) => child.once('exit', (code) => done(code)));

/** Starts the stack and waits for its banner; rejects with its output if it exits first. */
export const startDev = async (env: Record<string, string>, args: string[] = []): Promise<DevStack> => {
  const { child, output } = spawnDev({ PORT: '0', ...env }, args);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const done = exited(child);
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  };
  const url = await new Promise<string>((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${output()}`)), 60_000);
    const poll = setInterval(() => {
      const found = /local stack on (http:\/\/[\d.:]+)/.exec(output())?.[1];
      if (found !== undefined) {
        clearInterval(poll);
        clearTimeout(timer);
        done(found);
      }
    }, 50);
    void exited(child).then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`make dev exited with ${code}:\n${output()}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const index = (await (await fetch(`${url}/local`)).json()) as Pick<DevStack, 'sandboxes' | 'people'>;
  return { url, sandboxes: index.sandboxes, people: index.people, output, stop };
};

/**
 * Runs `make dev` expecting it to stop by itself (a configuration error, a busy port). It
 * runs the CLI that an earlier startDev bundled (what `scripts/local.mjs dev` runs), so
 * that several such checks do not bundle it again each.
 */
export const runDevToExit = async (env: Record<string, string>, args: string[] = []): Promise<Exited> => {
  const { child, output } = spawnDev({ PORT: '0', ...env }, args, existsSync(BUILT_CLI));
  const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 60_000);
  const code = await exited(child);
  clearTimeout(timer);
  return { code, output: output() };
};

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls until `probe` returns a value; the error says what was awaited and, with a stack, its last log lines. */
export const until = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; stack?: DevStack; state?: () => string } = {},
): Promise<T> => {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const state = options.state === undefined ? '' : ` (it is ${options.state()})`;
      const log = options.stack?.output().split('\n').slice(-40).join('\n');
      throw new Error(
        `timed out waiting for ${what}${state}${log === undefined ? '' : `\n--- make dev output ---\n${log}`}`,
      );
    }
    await sleep(50);
  }
};

export interface Answer {
  status: number;
  body: unknown;
}

const answerOf = async (response: Response): Promise<Answer> => {
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
};

export const getJson = async <T = unknown>(url: string, headers: Record<string, string> = {}): Promise<T> => {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`GET ${url} -> ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

export const post = async (url: string, body: string, headers: Record<string, string>): Promise<Answer> =>
  answerOf(await fetch(url, { method: 'POST', headers, body }));

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

/** A Jira admin webhook delivery, signed as Jira signs it. */
export const sendJira = (
  stack: DevStack,
  payload: unknown,
  options: { deliveryId?: string; secret?: string } = {},
): Promise<Answer> => {
  const body = JSON.stringify(payload);
  return post(`${stack.url}/webhooks/jira`, body, {
    'content-type': 'application/json',
    'x-atlassian-webhook-identifier': options.deliveryId ?? randomUUID(),
    'x-hub-signature': `sha256=${hmac(options.secret ?? SECRETS.JIRA_WEBHOOK_SECRET, body)}`,
  });
};

/** A GitHub webhook delivery, signed as GitHub signs it. */
export const sendGitHub = (
  stack: DevStack,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; secret?: string } = {},
): Promise<Answer> => {
  const body = JSON.stringify(payload);
  return post(`${stack.url}/webhooks/github`, body, {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.deliveryId ?? randomUUID(),
    'x-hub-signature-256': `sha256=${hmac(options.secret ?? SECRETS.GITHUB_WEBHOOK_SECRET, body)}`,
    'user-agent': 'GitHub-Hookshot/e2e',
  });
};

/** A Sentry integration webhook, signed with the client secret. */
export const sendSentry = (
  stack: DevStack,
  resource: string,
  payload: unknown,
  options: { secret?: string } = {},
): Promise<Answer> => {
  const body = JSON.stringify(payload);
  return post(`${stack.url}/webhooks/sentry`, body, {
    'content-type': 'application/json',
    'request-id': randomUUID().replaceAll('-', ''),
    'sentry-hook-resource': resource,
    'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
    'sentry-hook-signature': hmac(options.secret ?? SECRETS.SENTRY_CLIENT_SECRET, body),
  });
};

/** A form POST to a Slack endpoint, signed as Slack signs it. */
export const sendSlack = (
  stack: DevStack,
  path: '/slack/commands' | '/slack/interactions',
  form: Record<string, string>,
  options: { secret?: string; timestamp?: number } = {},
): Promise<Answer> => {
  const body = new URLSearchParams(form).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return post(`${stack.url}${path}`, body, {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${hmac(options.secret ?? SECRETS.SLACK_SIGNING_SECRET, `v0:${timestamp}:${body}`)}`,
  });
};

/** `/agent <text>` typed in Slack by `user`. */
export const slashCommand = (stack: DevStack, sandboxSlack: string, text: string, user = APPROVER) =>
  sendSlack(stack, '/slack/commands', {
    token: 'deprecated',
    team_id: 'T0E2E',
    team_domain: 'e2e',
    channel_id: 'C0E2E',
    channel_name: 'agents',
    user_id: user,
    user_name: 'lead',
    command: '/agent',
    text,
    response_url: `${sandboxSlack.replace(/\/api\/$/, '')}/response/${randomUUID()}`,
    trigger_id: `${Date.now()}.e2e`,
    api_app_id: 'A0E2E',
  });

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs: string | null;
  text: string;
  blocks: { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] }[];
}

export interface SlackView {
  id: string;
  view: {
    callback_id: string;
    private_metadata: string;
    blocks: { type: string; block_id?: string; element?: { action_id?: string } }[];
  };
}

/** The sandbox Slack as /local/sandbox/slack shows it. */
export const slackState = (stack: DevStack) =>
  getJson<{ messages: SlackMessage[]; views: SlackView[] }>(`${stack.url}/local/sandbox/slack`);

/** The approval message of `key` with its buttons, once posted. */
export const approvalMessage = (stack: DevStack, key: string) =>
  until(
    `the approval message of ${key}`,
    async () =>
      (await slackState(stack)).messages
        .filter((m) => m.text.includes(key) && JSON.stringify(m.blocks).includes('approve_plan'))
        .at(-1),
    { stack },
  );

/** Clicks a button of a Slack message, as `user`. */
export const clickButton = (
  stack: DevStack,
  message: SlackMessage,
  actionId: 'approve_plan' | 'reject_plan',
  user = APPROVER,
): Promise<Answer> => {
  const button = message.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);
  if (button === undefined) throw new Error(`no ${actionId} button on ${message.text}`);
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'lead', team_id: 'T0E2E' },
    team: { id: 'T0E2E', domain: 'e2e' },
    channel: { id: message.channel, name: 'agents' },
    message: { ts: message.ts, text: message.text },
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel },
    actions: [
      { type: 'button', action_id: actionId, block_id: 'approval', value: button.value, action_ts: '1' },
    ],
    response_url: `${stack.sandboxes.slack.replace(/\/api\/$/, '')}/response/${randomUUID()}`,
    trigger_id: `${Date.now()}.e2e`,
    api_app_id: 'A0E2E',
    token: 'deprecated',
  };
  return sendSlack(stack, '/slack/interactions', { payload: JSON.stringify(payload) });
};

/** Submits a Slack modal with one text input filled in. */
export const submitView = (
  stack: DevStack,
  view: SlackView,
  text: string,
  user = APPROVER,
): Promise<Answer> => {
  const input = view.view.blocks.find((b) => b.type === 'input');
  if (input?.block_id === undefined || input.element?.action_id === undefined)
    throw new Error('the view has no text input');
  const payload = {
    type: 'view_submission',
    user: { id: user, username: 'lead', team_id: 'T0E2E' },
    team: { id: 'T0E2E', domain: 'e2e' },
    view: {
      id: view.id,
      callback_id: view.view.callback_id,
      private_metadata: view.view.private_metadata,
      state: {
        values: {
          [input.block_id]: { [input.element.action_id]: { type: 'plain_text_input', value: text } },
        },
      },
    },
    trigger_id: `${Date.now()}.e2e`,
    api_app_id: 'A0E2E',
    token: 'deprecated',
  };
  return sendSlack(stack, '/slack/interactions', { payload: JSON.stringify(payload) });
};

export interface TaskRow {
  id: string;
  source: string;
  externalKey: string;
  status: string;
  statusReason?: string;
  repo: string | null;
  prNumber: number | null;
  headSha: string | null;
  attempts: number;
  costUsd: number;
}

export interface TaskDetail {
  task: TaskRow & { taskId: string; runId: number; runKind: string; context: unknown };
  execution: { arn: string; status: string } | null;
  timeline: { type: string; message: string; actor?: string }[];
}

export const taskDetail = (stack: DevStack, key: string) =>
  getJson<TaskDetail>(`${stack.url}/local/tasks/${encodeURIComponent(key)}`);

const FINAL_STATUSES = new Set(['COMPLETED', 'REJECTED', 'ESCALATED', 'FAILED', 'CANCELLED']);

/**
 * Waits until the task of `key` has one of `statuses` (and, with `runId`, is in that
 * run), observably settled: for a final status until its execution has ended (the
 * last notifications and comments follow the status), for AWAITING_APPROVAL until
 * the approval was requested.
 */
export const waitForStatus = (
  stack: DevStack,
  key: string,
  statuses: readonly string[],
  runId?: number,
): Promise<TaskDetail> => {
  let last = 'not there yet';
  return until(
    `${key} to be ${statuses.join(' or ')}${runId === undefined ? '' : ` in run ${runId}`}`,
    async () => {
      const response = await fetch(`${stack.url}/local/tasks/${encodeURIComponent(key)}`);
      if (response.status !== 200) return undefined;
      const detail = (await response.json()) as TaskDetail;
      last = `${detail.task.status} in run ${detail.task.runId}, after ${detail.timeline
        .slice(-4)
        .map((e) => `${e.type}: ${e.message.slice(0, 120)}`)
        .join(' | ')}`;
      const ended = !FINAL_STATUSES.has(detail.task.status) || detail.execution?.status !== 'RUNNING';
      // AWAITING_APPROVAL is written just before the approval is requested: until then an approval has nothing to answer.
      const types = detail.timeline.map((e) => e.type);
      const requested =
        detail.task.status !== 'AWAITING_APPROVAL' ||
        types.lastIndexOf('approval.requested') > types.lastIndexOf('step.awaiting_approval');
      return statuses.includes(detail.task.status) &&
        (runId === undefined || detail.task.runId === runId) &&
        ended &&
        requested
        ? detail
        : undefined;
    },
    { stack, state: () => last },
  );
};

/** A call to a sandbox REST API with the given Authorization. */
export const sandboxCall = async (
  url: string,
  method: string,
  authorization: string,
  body?: unknown,
): Promise<Answer> =>
  answerOf(
    await fetch(url, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

/** Comments on a PR through the sandbox GitHub API, as the person owning `token`. */
export const commentOnPr = (stack: DevStack, repo: string, pr: number, body: string, token: string) =>
  sandboxCall(`${stack.sandboxes.github}/repos/${repo}/issues/${pr}/comments`, 'POST', `token ${token}`, {
    body,
  });

/** Creates a Jira issue through the sandbox Jira API, as the product owner. */
export const createJiraIssue = (stack: DevStack, fields: Record<string, unknown>) => {
  const { email, apiToken } = stack.people.productOwner;
  return sandboxCall(
    `${stack.sandboxes.jira}/rest/api/3/issue`,
    'POST',
    `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`,
    { fields },
  );
};

export const adf = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

/** A fresh directory under the system's temp directory. */
export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `${name}-`));
