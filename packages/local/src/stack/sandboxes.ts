import { type HttpEvent, header, rawBody } from '@enterprise-agents/core/http';
import { type AdfNode, textToAdf } from '@enterprise-agents/core/jira';
import { JIRA_SIGNATURE_HEADER, verifyJiraSignature } from '@enterprise-agents/core/signatures';
import { type GitHubFake, startGitHubFake } from '@enterprise-agents/fakes/github';
import { type JiraFake, startJiraFake } from '@enterprise-agents/fakes/jira';
import { type SentryFake, startSentryFake } from '@enterprise-agents/fakes/sentry';
import { type SlackFake, startSlackFake } from '@enterprise-agents/fakes/slack';
import type { WebhookDelivery } from '@enterprise-agents/fakes/webhooks';
import { LOCAL_DEFAULTS, LOCAL_SECRETS, type LocalSettings, SANDBOX_PEOPLE } from './config';

/** The vendor sandboxes of the local stack (always running; used where the vendor is not real). */
export interface Sandboxes {
  github: GitHubFake;
  jira: JiraFake;
  sentry: SentryFake;
  slack: SlackFake;
  /** Resolves when no sandbox webhook is in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The files every sandbox repository starts with. */
export const SANDBOX_REPO_FILES: Readonly<Record<string, string>> = {
  'README.md': '# app\n\nA sample service.\n',
  'AGENTS.md': 'Run `npm test` before pushing. Keep functions small.\n',
  'package.json': '{"name":"app","scripts":{"test":"node --test"}}\n',
  'src/login.ts': 'export const login = (user: string): boolean => user.length > 0;\n',
};

/**
 * Starts the four sandboxes. GitHub and Jira send their webhooks to the stack's
 * API (`apiUrl()`), signed with the configured secrets, as the vendors would; the
 * sandbox people (a developer with write access, an outsider, a product owner)
 * can call them with their own credentials.
 */
export const startSandboxes = async (options: {
  settings: LocalSettings;
  apiUrl: () => string;
  log?: (line: string) => void;
}): Promise<Sandboxes> => {
  const { settings, log } = options;
  const onDelivery = (vendor: string) => (d: WebhookDelivery) =>
    log?.(
      `sandbox ${vendor}: ${d.event}${d.action === undefined ? '' : `.${d.action}`} webhook -> ${d.status ?? d.error}`,
    );
  const github = await startGitHubFake({
    tokens: [LOCAL_SECRETS.githubToken],
    users: {
      [SANDBOX_PEOPLE.developer.token]: SANDBOX_PEOPLE.developer.login,
      [SANDBOX_PEOPLE.outsider.token]: SANDBOX_PEOPLE.outsider.login,
    },
    botLogin: settings.webhook.github.botLogin ?? LOCAL_DEFAULTS.botLogin,
    ...(settings.vendors.github.mode === 'sandbox'
      ? {
          webhooks: {
            url: () => `${options.apiUrl()}/webhooks/github`,
            secret: settings.secrets.githubWebhook,
            onDelivery: onDelivery('GitHub'),
          },
        }
      : {}),
  });
  const jira = await startJiraFake({
    email: LOCAL_SECRETS.jiraEmail,
    apiToken: LOCAL_SECRETS.jiraApiToken,
    users: [{ ...SANDBOX_PEOPLE.productOwner }],
    ...(settings.vendors.jira.mode === 'sandbox'
      ? {
          webhooks: {
            url: () => `${options.apiUrl()}/webhooks/jira`,
            secret: settings.secrets.jiraWebhook,
            onDelivery: onDelivery('Jira'),
          },
        }
      : {}),
  });
  const sentry = await startSentryFake({
    org: LOCAL_DEFAULTS.sentryOrg,
    authToken: LOCAL_SECRETS.sentryAuthToken,
  });
  const slack = await startSlackFake();
  for (const fullName of settings.sandboxRepos) {
    github.state.seedRepo({
      fullName,
      language: 'TypeScript',
      description: 'A sandbox repository the agents work on',
      files: { ...SANDBOX_REPO_FILES },
    });
    github.state.permissions.set(`${fullName.toLowerCase()}#${SANDBOX_PEOPLE.developer.login}`, 'write');
    github.state.permissions.set(`${fullName.toLowerCase()}#${SANDBOX_PEOPLE.outsider.login}`, 'read');
  }
  return {
    github,
    jira,
    sentry,
    slack,
    idle: async () => {
      await Promise.all([github.idle(), jira.idle()]);
    },
    close: async () => {
      await Promise.all([github.close(), jira.close(), sentry.close(), slack.stop()]);
    },
  };
};

const ISSUE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,31}-\d{1,12}$/;

/**
 * A signed Jira delivery for an issue the Jira sandbox has not seen (sent by hand,
 * or from before a restart) creates that issue there first, from the delivery's
 * fields, so the agents can read and comment on it as they would on the real one.
 */
export const seedJiraIssueFromWebhook = (jira: JiraFake, secret: string, event: HttpEvent): void => {
  const body = rawBody(event);
  if (!verifyJiraSignature(body, header(event, JIRA_SIGNATURE_HEADER), [secret]).ok) return;
  let payload: {
    issue?: {
      key?: unknown;
      fields?: {
        summary?: unknown;
        description?: unknown;
        labels?: unknown;
        issuetype?: { name?: unknown };
        status?: { name?: unknown };
      };
    };
  };
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return;
  }
  const key = payload.issue?.key;
  if (typeof key !== 'string' || !ISSUE_KEY.test(key) || jira.issues.has(key.toUpperCase())) return;
  const fields = payload.issue?.fields ?? {};
  const description = fields.description;
  const status = typeof fields.status?.name === 'string' ? fields.status.name : undefined;
  jira.seedIssue({
    key,
    summary: typeof fields.summary === 'string' ? fields.summary : key,
    description:
      typeof description === 'string'
        ? textToAdf(description)
        : typeof description === 'object' && description !== null
          ? (description as AdfNode)
          : null,
    labels: Array.isArray(fields.labels)
      ? fields.labels.filter((l): l is string => typeof l === 'string')
      : [],
    ...(typeof fields.issuetype?.name === 'string' ? { issueType: fields.issuetype.name } : {}),
    ...(status !== undefined && jira.statuses.some((s) => s.name === status) ? { status } : {}),
  });
};
