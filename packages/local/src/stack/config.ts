import { readFileSync } from 'node:fs';
import { readConfig as readInvokerConfig } from '@enterprise-agents/agent-invoker';
import {
  type Env,
  EnvReader,
  readGitHubApiUrl,
  readJiraAllowedProjects,
} from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';
import { type GitHubAuth, parseGitHubSecret } from '@enterprise-agents/core/github';
import {
  type GitHubActionsConfig,
  readConfig as readGitHubActionsConfig,
} from '@enterprise-agents/github-actions';
import { parseJiraSecret, readConfig as readJiraActionsConfig } from '@enterprise-agents/jira-actions';
import { parseSentryToken, readConfig as readSentryActionsConfig } from '@enterprise-agents/sentry-actions';
import { readSettings, type SlackSettings } from '@enterprise-agents/slack-handler';
import { readWebhookConfig, type WebhookConfig } from '@enterprise-agents/webhook-handler';

/** The secrets of the local stack: not secret, but used exactly as production uses theirs. */
export const LOCAL_SECRETS = {
  githubWebhook: 'local-github-webhook-secret',
  jiraWebhook: 'local-jira-webhook-secret',
  sentryClient: 'local-sentry-client-secret',
  slackSigning: 'local-slack-signing-secret',
  githubToken: 'local-github-token',
  jiraEmail: 'agent-bot@example.com',
  jiraApiToken: 'local-jira-api-token',
  sentryAuthToken: 'local-sentry-auth-token',
} as const;

/** Defaults of the sandboxes (names, ids) when the environment sets nothing. */
export const LOCAL_DEFAULTS = {
  org: 'acme',
  repo: 'acme/app',
  jiraProject: 'ENG',
  slackChannel: 'C0AGENTS',
  approver: 'U0APPROVER',
  botLogin: 'enterprise-agents[bot]',
  sentryOrg: 'acme',
  sentryProject: 'app',
} as const;

/**
 * People of the sandboxes, so that a terminal can act as them: a developer with write
 * access and an outsider with read access on the sandbox repositories (GitHub tokens),
 * and a product owner who files Jira issues (basic auth).
 */
export const SANDBOX_PEOPLE = {
  developer: { login: 'dev', token: 'local-dev-token' },
  outsider: { login: 'outsider', token: 'local-outsider-token' },
  productOwner: {
    email: 'po@example.com',
    apiToken: 'local-po-token',
    accountId: '5b10ac8d82e05b22cc7d4ef5',
    displayName: 'Product Owner',
  },
} as const;

export const VendorMode = { Sandbox: 'sandbox', Real: 'real' } as const;
export type VendorMode = (typeof VendorMode)[keyof typeof VendorMode];

/** Which API each vendor is: the real one (credentials given) or the sandbox. */
export interface VendorSelection {
  github: { mode: 'sandbox' } | { mode: 'real'; apiUrl: string; auth: GitHubAuth };
  jira: { mode: 'sandbox' } | { mode: 'real'; baseUrl: string; email: string; apiToken: string };
  slack: { mode: 'sandbox' } | { mode: 'real'; apiUrl: string; token: string };
  sentry: { mode: 'sandbox' } | { mode: 'real'; apiUrl: string; org: string; authToken: string };
}

/** Everything the local stack reads from its environment, parsed by the Lambdas' own readers. */
export interface LocalSettings {
  secrets: { githubWebhook: string; jiraWebhook: string; sentryClient: string; slackSigning: string };
  /** webhook-handler's configuration (JIRA_TRIGGER_LABEL, JIRA_ALLOWED_PROJECTS, GITHUB_ORG, …). */
  webhook: WebhookConfig;
  /** slack-handler's settings (SLACK_DEFAULT_CHANNEL, SLACK_APPROVERS, MAX_FIX_ATTEMPTS, …). */
  slack: SlackSettings;
  /** github-actions' guardrails (GITHUB_ORG, REPO_ALLOWLIST, BRANCH_PREFIX, …). */
  guardrails: GitHubActionsConfig['guardrails'];
  /** jira-actions' JIRA_ALLOWED_PROJECTS. */
  jiraAllowedProjects: string[];
  /** agent-invoker's budgets and limits. */
  invoker: {
    taskBudgetUsd: number;
    dailyBudgetUsd: number;
    maxFixAttempts: number;
    branchPrefix: string;
    githubOrg: string | undefined;
  };
  vendors: VendorSelection;
  /** Repositories the GitHub sandbox holds (REPO_ALLOWLIST, or `<GITHUB_ORG>/app`). */
  sandboxRepos: string[];
}

// Variables of the AWS wiring the Lambdas' readers require but that mean nothing
// locally (no table ARN, no Secrets Manager): always these values.
const LOCAL_WIRING: Env = {
  TABLE_NAME: 'enterprise-agents-local',
  EVENT_BUS_NAME: 'local',
  GITHUB_SECRET_ARN: 'local',
  JIRA_SECRET_ARN: 'local',
  SENTRY_SECRET_ARN: 'local',
  SLACK_SECRET_ARN: 'local',
  AWS_LAMBDA_FUNCTION_NAME: 'local',
};

const present = (env: Env, key: string): boolean => (env[key] ?? '') !== '';

/** All or none of `keys`: a partial set of credentials is a mistake, never a silent sandbox. */
const allOrNone = (env: Env, vendor: string, keys: readonly string[]): boolean => {
  const set = keys.filter((key) => present(env, key));
  if (set.length === 0) return false;
  if (set.length < keys.length) {
    const missing = keys.filter((key) => !set.includes(key));
    throw new ConfigError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required with ${set.join(' and ')}: the real ${vendor} needs ${keys.join(', ')} (unset them all for the ${vendor} sandbox)`,
    );
  }
  return true;
};

const requireVar = (env: Env, key: string, why: string): string => {
  const value = env[key];
  if (value === undefined || value === '') throw new ConfigError(`${key} is required ${why}`);
  return value;
};

/**
 * Picks the real API of each vendor whose credentials are set, the sandbox
 * otherwise. The credentials are checked with the Lambdas' own secret parsers.
 */
export const selectVendors = (env: Env): VendorSelection => {
  const read = new EnvReader(env);
  const app = allOrNone(env, 'GitHub App', [
    'GITHUB_APP_ID',
    present(env, 'GITHUB_APP_PRIVATE_KEY_FILE') ? 'GITHUB_APP_PRIVATE_KEY_FILE' : 'GITHUB_APP_PRIVATE_KEY',
    'GITHUB_APP_INSTALLATION_ID',
  ]);
  let github: VendorSelection['github'] = { mode: 'sandbox' };
  if (app || present(env, 'GITHUB_TOKEN')) {
    let privateKey = env.GITHUB_APP_PRIVATE_KEY;
    const keyFile = env.GITHUB_APP_PRIVATE_KEY_FILE;
    if (app && keyFile !== undefined && keyFile !== '') {
      try {
        privateKey = readFileSync(keyFile, 'utf8');
      } catch (error) {
        throw new ConfigError(
          `GITHUB_APP_PRIVATE_KEY_FILE ${keyFile} cannot be read: ${(error as Error).message}`,
        );
      }
    }
    const auth = parseGitHubSecret(
      app
        ? { appId: env.GITHUB_APP_ID, privateKey, installationId: env.GITHUB_APP_INSTALLATION_ID }
        : { token: env.GITHUB_TOKEN },
    );
    github = { mode: 'real', apiUrl: readGitHubApiUrl(read), auth };
  }

  let jira: VendorSelection['jira'] = { mode: 'sandbox' };
  if (allOrNone(env, 'Jira', ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN'])) {
    const { jiraBaseUrl } = readJiraActionsConfig(new EnvReader({ ...env, ...LOCAL_WIRING }));
    const credentials = parseJiraSecret({ email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN });
    jira = { mode: 'real', baseUrl: jiraBaseUrl, ...credentials };
  }

  const slack: VendorSelection['slack'] = present(env, 'SLACK_BOT_TOKEN')
    ? {
        mode: 'real',
        apiUrl: read.string('SLACK_API_URL', 'https://slack.com/api/'),
        token: read.string('SLACK_BOT_TOKEN'),
      }
    : { mode: 'sandbox' };

  let sentry: VendorSelection['sentry'] = { mode: 'sandbox' };
  if (allOrNone(env, 'Sentry', ['SENTRY_AUTH_TOKEN', 'SENTRY_ORG'])) {
    const { sentryOrg, sentryApiUrl } = readSentryActionsConfig(new EnvReader({ ...env, ...LOCAL_WIRING }));
    sentry = {
      mode: 'real',
      apiUrl: sentryApiUrl,
      org: sentryOrg,
      authToken: parseSentryToken({ authToken: env.SENTRY_AUTH_TOKEN }),
    };
  }
  return { github, jira, slack, sentry };
};

/**
 * Reads the local stack's configuration from an environment (process env plus
 * `.env`): the vendors, then each Lambda's own configuration reader over the
 * environment with the sandboxes' defaults filled in. Throws ConfigError naming
 * the variable at fault.
 */
export const readLocalSettings = (env: Env = {}): LocalSettings => {
  const vendors = selectVendors(env);
  const real = (vendor: keyof VendorSelection) => vendors[vendor].mode === VendorMode.Real;
  // The vendor sends with the secret you configured there: a local default cannot match it.
  const secret = (key: string, vendor: keyof VendorSelection, fallback: string) =>
    real(vendor)
      ? requireVar(env, key, `with the real ${vendor} (the secret you set in its webhook settings)`)
      : env[key] || fallback;
  const secrets = {
    githubWebhook: secret('GITHUB_WEBHOOK_SECRET', 'github', LOCAL_SECRETS.githubWebhook),
    jiraWebhook: secret('JIRA_WEBHOOK_SECRET', 'jira', LOCAL_SECRETS.jiraWebhook),
    sentryClient: secret('SENTRY_CLIENT_SECRET', 'sentry', LOCAL_SECRETS.sentryClient),
    slackSigning: secret('SLACK_SIGNING_SECRET', 'slack', LOCAL_SECRETS.slackSigning),
  };
  if (real('github'))
    requireVar(env, 'GITHUB_ORG', 'with the real GitHub (the organization the agents may work in)');
  if (real('slack')) {
    requireVar(env, 'SLACK_DEFAULT_CHANNEL', 'with the real Slack (the channel id the bot posts to)');
    if (
      !present(env, 'SLACK_APPROVERS') &&
      !present(env, 'SLACK_APPROVER_IDS') &&
      !present(env, 'SLACK_APPROVER_GROUP')
    )
      throw new ConfigError(
        'SLACK_APPROVERS (or SLACK_APPROVER_GROUP) is required with the real Slack: who may approve plans',
      );
  }

  const sandboxDefaults: Env = {
    ...(real('github') ? {} : { GITHUB_ORG: LOCAL_DEFAULTS.org, GITHUB_BOT_LOGIN: LOCAL_DEFAULTS.botLogin }),
    ...(real('slack')
      ? {}
      : { SLACK_DEFAULT_CHANNEL: LOCAL_DEFAULTS.slackChannel, SLACK_APPROVERS: LOCAL_DEFAULTS.approver }),
  };
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  // SLACK_APPROVER_IDS is accepted as another name of SLACK_APPROVERS (the Lambda's name).
  if (given.SLACK_APPROVERS === undefined && given.SLACK_APPROVER_IDS !== undefined)
    given.SLACK_APPROVERS = given.SLACK_APPROVER_IDS;
  const merged: Env = { ...sandboxDefaults, ...given, ...LOCAL_WIRING };
  const reader = new EnvReader(merged);

  const webhook = readWebhookConfig(reader);
  const slack = readSettings(reader);
  const { guardrails } = readGitHubActionsConfig(reader);
  // Agent runtime and model settings are the runtime selection's; here only budgets and limits.
  const invoker = readInvokerConfig({ ...merged, AGENT_RUNTIME: 'scripted' });
  const org = guardrails.org;
  return {
    secrets,
    webhook,
    slack,
    guardrails,
    jiraAllowedProjects: readJiraAllowedProjects(reader),
    invoker: {
      taskBudgetUsd: invoker.taskBudgetUsd,
      dailyBudgetUsd: invoker.dailyBudgetUsd,
      maxFixAttempts: invoker.maxFixAttempts,
      branchPrefix: invoker.branchPrefix,
      githubOrg: invoker.githubOrg,
    },
    vendors,
    sandboxRepos: guardrails.repoAllowlist.length > 0 ? [...guardrails.repoAllowlist] : [`${org}/app`],
  };
};

/** Settings with nothing configured: every vendor a sandbox, the local secrets. */
export const defaultLocalSettings = (): LocalSettings => readLocalSettings({});
