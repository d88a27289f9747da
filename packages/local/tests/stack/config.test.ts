import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpEvent } from '@enterprise-agents/core/http';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadEnv, parseDevArgs, readDevConfig } from '../../src/cli/options';
import { LOCAL_SECRETS, readLocalSettings, selectVendors } from '../../src/stack/config';
import { isLocalRequest } from '../../src/stack/inspect';

const dir = mkdtempSync(join(tmpdir(), 'local-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local stack configuration (the Lambdas’ own readers)', () => {
  it('defaults to every vendor a sandbox, the local secrets and production’s limits', () => {
    const settings = readLocalSettings({});
    expect(settings.vendors).toEqual({
      github: { mode: 'sandbox' },
      jira: { mode: 'sandbox' },
      slack: { mode: 'sandbox' },
      sentry: { mode: 'sandbox' },
    });
    expect(settings.secrets).toEqual({
      githubWebhook: LOCAL_SECRETS.githubWebhook,
      jiraWebhook: LOCAL_SECRETS.jiraWebhook,
      sentryClient: LOCAL_SECRETS.sentryClient,
      slackSigning: LOCAL_SECRETS.slackSigning,
    });
    expect(settings.guardrails).toMatchObject({ org: 'acme', repoAllowlist: [], branchPrefix: 'agent/' });
    expect(settings.slack).toMatchObject({
      defaultChannel: 'C0AGENTS',
      approvers: ['U0APPROVER'],
      maxFixAttempts: 3,
    });
    expect(settings.webhook.jira).toMatchObject({ triggerLabel: 'AI', allowedProjects: [] });
    expect(settings.invoker).toMatchObject({ taskBudgetUsd: 10, dailyBudgetUsd: 100, maxFixAttempts: 3 });
    expect(settings.sandboxRepos).toEqual(['acme/app']);
  });

  it('reads secrets, approvers, org, allowlist, Jira trigger and budgets from the environment', () => {
    const settings = readLocalSettings({
      GITHUB_WEBHOOK_SECRET: 'gh-secret',
      JIRA_WEBHOOK_SECRET: 'jira-secret',
      SENTRY_CLIENT_SECRET: 'sentry-secret',
      SLACK_SIGNING_SECRET: 'slack-secret',
      SLACK_APPROVER_IDS: 'U1, U2',
      GITHUB_ORG: 'globex',
      REPO_ALLOWLIST: 'globex/api,globex/web',
      JIRA_TRIGGER_LABEL: 'agent',
      JIRA_ALLOWED_PROJECTS: 'PAY,OPS',
      TASK_BUDGET_USD: '2.5',
      DAILY_BUDGET_USD: '20',
      MAX_FIX_ATTEMPTS: '2',
    });
    expect(settings.secrets).toEqual({
      githubWebhook: 'gh-secret',
      jiraWebhook: 'jira-secret',
      sentryClient: 'sentry-secret',
      slackSigning: 'slack-secret',
    });
    expect(settings.slack.approvers).toEqual(['U1', 'U2']);
    expect(settings.guardrails).toMatchObject({ org: 'globex', repoAllowlist: ['globex/api', 'globex/web'] });
    expect(settings.webhook.github.org).toBe('globex');
    expect(settings.webhook.jira).toMatchObject({ triggerLabel: 'agent', allowedProjects: ['PAY', 'OPS'] });
    expect(settings.jiraAllowedProjects).toEqual(['PAY', 'OPS']);
    expect(settings.invoker).toMatchObject({ taskBudgetUsd: 2.5, dailyBudgetUsd: 20, maxFixAttempts: 2 });
    expect(settings.slack.maxFixAttempts).toBe(2);
    expect(settings.sandboxRepos).toEqual(['globex/api', 'globex/web']);
    // SLACK_APPROVERS (the Lambda's name) wins over the alias.
    expect(readLocalSettings({ SLACK_APPROVERS: 'U9', SLACK_APPROVER_IDS: 'U1' }).slack.approvers).toEqual([
      'U9',
    ]);
  });

  it.each([
    [{ MAX_FIX_ATTEMPTS: 'three' }, 'MAX_FIX_ATTEMPTS'],
    [{ TASK_BUDGET_USD: '-1' }, 'TASK_BUDGET_USD'],
    [{ DAILY_BUDGET_USD: 'lots' }, 'DAILY_BUDGET_USD'],
    [{ REPO_ALLOWLIST: 'other/app' }, 'REPO_ALLOWLIST'],
    [{ SLACK_APPROVERS: 'U1,<@U2>' }, 'SLACK_APPROVERS'],
    [{ SENTRY_MIN_LEVEL: 'loud' }, 'SENTRY_MIN_LEVEL'],
    [{ BRANCH_PREFIX: ' ' }, 'BRANCH_PREFIX'],
    [{ SLACK_CHANNEL_MAP: '{"ENG": 5}' }, 'SLACK_CHANNEL_MAP'],
    [{ MODEL_PRICES: '{not json' }, 'MODEL_PRICES'],
  ])('refuses %j naming the variable', (env, name) => {
    expect(() => readLocalSettings(env)).toThrow(name);
  });

  it.each([
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: 'http' }, 'PORT'],
    [{ LOCAL_CI: 'blue' }, 'LOCAL_CI'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ HOST: 'a b' }, 'HOST'],
  ])('the dev server refuses %j naming the variable', (env, name) => {
    expect(() => readDevConfig(env)).toThrow(name);
  });

  it('reads HOST, PORT, LOCAL_CI and DATA_DIR; --data-dir wins', () => {
    expect(readDevConfig({})).toMatchObject({ host: '127.0.0.1', port: 3000, ciName: 'red-then-green' });
    const config = readDevConfig({ HOST: '0.0.0.0', PORT: '0', LOCAL_CI: 'red', DATA_DIR: '/tmp/a' });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 0, ciName: 'red', dataDir: '/tmp/a' });
    expect(readDevConfig({ DATA_DIR: '/tmp/a' }, { dataDir: '/tmp/b' }).dataDir).toBe('/tmp/b');
  });
});

describe('.env and flags', () => {
  it('reads .env with node’s parser; the real environment wins', () => {
    const file = join(dir, 'a.env');
    writeFileSync(
      file,
      '# comment\nPORT=4000\nexport LOCAL_CI="red"\nGITHUB_WEBHOOK_SECRET=from-file # trailing comment\n',
    );
    const { env } = loadEnv({ PORT: '5000' }, file);
    expect(env).toMatchObject({ PORT: '5000', LOCAL_CI: 'red', GITHUB_WEBHOOK_SECRET: 'from-file' });
  });

  it('reads <root>/.env when present, nothing when absent, and refuses a named file that is missing', () => {
    writeFileSync(join(dir, '.env'), 'PORT=4100\n');
    expect(loadEnv({}, undefined, dir)).toEqual({ env: { PORT: '4100' }, file: join(dir, '.env') });
    expect(loadEnv({}, undefined, join(dir, 'nowhere')).file).toBeUndefined();
    expect(loadEnv({ A: '1' }, false, dir)).toEqual({ env: { A: '1' }, file: undefined });
    expect(() => loadEnv({}, join(dir, 'missing.env'))).toThrow('missing.env');
  });

  it('parses --data-dir, --env-file, --no-env-file and refuses unknown flags', () => {
    expect(parseDevArgs(['--data-dir', 'x', '--no-env-file'])).toEqual({
      dataDir: 'x',
      envFile: false,
      help: false,
    });
    expect(parseDevArgs(['--data-dir=y', '--env-file=z'])).toEqual({
      dataDir: 'y',
      envFile: 'z',
      help: false,
    });
    expect(() => parseDevArgs(['--datadir', 'x'])).toThrow('unknown option --datadir');
    expect(() => parseDevArgs(['--data-dir'])).toThrow('--data-dir needs a value');
  });
});

describe('vendor selection (no network: only which API would be used)', () => {
  it('uses real GitHub with a token and asks for the webhook secret and org it needs', () => {
    expect(selectVendors({ GITHUB_TOKEN: 'ghp_x' }).github).toEqual({
      mode: 'real',
      apiUrl: 'https://api.github.com',
      auth: { type: 'token', token: 'ghp_x' },
    });
    expect(() => readLocalSettings({ GITHUB_TOKEN: 'ghp_x' })).toThrow('GITHUB_WEBHOOK_SECRET is required');
    expect(() => readLocalSettings({ GITHUB_TOKEN: 'ghp_x', GITHUB_WEBHOOK_SECRET: 's' })).toThrow(
      'GITHUB_ORG is required',
    );
    const settings = readLocalSettings({
      GITHUB_TOKEN: 'ghp_x',
      GITHUB_WEBHOOK_SECRET: 's',
      GITHUB_ORG: 'globex',
    });
    expect(settings.vendors.github.mode).toBe('real');
    expect(settings.vendors.jira.mode).toBe('sandbox');
  });

  it('uses a GitHub App (key inline with \\n or from a file); a partial App is an error', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const keyFile = join(dir, 'app.pem');
    writeFileSync(keyFile, pem);
    const fromFile = selectVendors({
      GITHUB_APP_ID: '123',
      GITHUB_APP_PRIVATE_KEY_FILE: keyFile,
      GITHUB_APP_INSTALLATION_ID: '456',
    }).github;
    expect(fromFile).toMatchObject({
      mode: 'real',
      auth: { type: 'app', appId: '123', installationId: '456' },
    });
    const inline = selectVendors({
      GITHUB_APP_ID: '123',
      GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
      GITHUB_APP_INSTALLATION_ID: '456',
    }).github;
    expect(inline.mode === 'real' && inline.auth.type === 'app' && inline.auth.privateKey).toBe(pem);
    expect(() => selectVendors({ GITHUB_APP_ID: '123' })).toThrow(
      'GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID are required with GITHUB_APP_ID',
    );
  });

  it('uses real Jira with base URL, email and token; a partial set or a bad URL is an error', () => {
    expect(
      selectVendors({
        JIRA_BASE_URL: 'https://acme.atlassian.net/',
        JIRA_EMAIL: 'bot@acme.com',
        JIRA_API_TOKEN: 't',
      }).jira,
    ).toEqual({ mode: 'real', baseUrl: 'https://acme.atlassian.net', email: 'bot@acme.com', apiToken: 't' });
    expect(() => selectVendors({ JIRA_EMAIL: 'bot@acme.com' })).toThrow(
      'JIRA_BASE_URL and JIRA_API_TOKEN are required',
    );
    expect(() =>
      selectVendors({ JIRA_BASE_URL: 'acme', JIRA_EMAIL: 'bot@acme.com', JIRA_API_TOKEN: 't' }),
    ).toThrow('JIRA_BASE_URL');
  });

  it('uses real Slack with a bot token, which needs the signing secret, a channel and approvers', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(selectVendors(base).slack).toEqual({
      mode: 'real',
      apiUrl: 'https://slack.com/api/',
      token: 'xoxb-1',
    });
    expect(() => readLocalSettings({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      'SLACK_SIGNING_SECRET is required',
    );
    expect(() => readLocalSettings(base)).toThrow('SLACK_DEFAULT_CHANNEL is required');
    expect(() => readLocalSettings({ ...base, SLACK_DEFAULT_CHANNEL: 'C1' })).toThrow('SLACK_APPROVERS');
    expect(
      readLocalSettings({ ...base, SLACK_DEFAULT_CHANNEL: 'C1', SLACK_APPROVERS: 'U1' }).slack,
    ).toMatchObject({
      defaultChannel: 'C1',
      approvers: ['U1'],
    });
  });

  it('uses real Sentry with a token and org', () => {
    expect(selectVendors({ SENTRY_AUTH_TOKEN: 'sntrys_x', SENTRY_ORG: 'acme' }).sentry).toEqual({
      mode: 'real',
      apiUrl: 'https://sentry.io',
      org: 'acme',
      authToken: 'sntrys_x',
    });
    expect(() => selectVendors({ SENTRY_AUTH_TOKEN: 'x' })).toThrow('SENTRY_ORG is required');
    expect(() => readLocalSettings({ SENTRY_AUTH_TOKEN: 'x', SENTRY_ORG: 'acme' })).toThrow(
      'SENTRY_CLIENT_SECRET is required',
    );
  });
});

describe('the /local API is for this machine only', () => {
  const event = (sourceIp: string, headers: Record<string, string> = {}) =>
    ({ headers, requestContext: { http: { sourceIp } } }) as unknown as HttpEvent;

  it.each([
    ['127.0.0.1', {}, true],
    ['127.1.2.3', {}, true],
    ['::1', {}, true],
    ['::ffff:127.0.0.1', {}, true],
    ['10.0.0.7', {}, false],
    ['192.168.1.20', {}, false],
    ['::ffff:10.0.0.7', {}, false],
    // A tunnel connects from loopback but says whom it relays.
    ['127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, false],
    ['127.0.0.1', { 'cf-connecting-ip': '203.0.113.9' }, false],
    ['127.0.0.1', { forwarded: 'for=203.0.113.9' }, false],
  ])('%s %j -> %s', (ip, headers, local) => {
    expect(isLocalRequest(event(ip, headers))).toBe(local);
  });
});
