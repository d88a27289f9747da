import { isTerminalStatus } from '@enterprise-agents/core/domain';
import { ConfigError } from '@enterprise-agents/core/errors';
import { createLogger } from '@enterprise-agents/core/logging';
import { LOCAL_SECRETS, type LocalSettings, SANDBOX_PEOPLE, startLocalStack } from '../stack';
import { PortInUseError } from '../stack/http-server';
import { listAllTasks } from '../stack/inspect';
import { isLoopbackHost, loadEnv, parseDevArgs, readDevConfig, USAGE } from './options';

const say = (line = '') => console.log(line);
const time = () => new Date().toISOString().slice(11, 19);

const fail = (message: string, code = 1): never => {
  console.error(`\nmake dev: ${message}\n`);
  process.exit(code);
};

/** One line per vendor: which API it is and where its webhooks come from. */
const vendorLines = (
  settings: LocalSettings,
  urls: Record<'github' | 'jira' | 'slack' | 'sentry', string>,
) => {
  const { vendors } = settings;
  const line = (name: string, key: keyof typeof vendors, real: string, sandbox: string) =>
    `  ${name.padEnd(8)}${vendors[key].mode === 'real' ? `REAL     ${real}` : `sandbox  ${sandbox}`}`;
  return [
    line(
      'GitHub',
      'github',
      vendors.github.mode === 'real'
        ? `${vendors.github.apiUrl} (${vendors.github.auth.type === 'app' ? 'GitHub App' : 'GITHUB_TOKEN'}, org ${settings.guardrails.org}); CI: your GitHub Actions`
        : '',
      `${urls.github}  repos ${settings.sandboxRepos.join(', ')}; developer token ${SANDBOX_PEOPLE.developer.token} (${SANDBOX_PEOPLE.developer.login}, write)`,
    ),
    line(
      'Jira',
      'jira',
      vendors.jira.mode === 'real' ? `${vendors.jira.baseUrl} as ${vendors.jira.email}` : '',
      `${urls.jira}  product owner ${SANDBOX_PEOPLE.productOwner.email}:${SANDBOX_PEOPLE.productOwner.apiToken}`,
    ),
    line(
      'Slack',
      'slack',
      vendors.slack.mode === 'real' ? `${vendors.slack.apiUrl} channel ${settings.slack.defaultChannel}` : '',
      `${urls.slack}  channel ${settings.slack.defaultChannel}, approvers ${settings.slack.approvers.join(', ') || '(none)'}`,
    ),
    line(
      'Sentry',
      'sentry',
      vendors.sentry.mode === 'real' ? `${vendors.sentry.apiUrl} org ${vendors.sentry.org}` : '',
      urls.sentry,
    ),
  ];
};

const main = async (): Promise<void> => {
  let args: ReturnType<typeof parseDevArgs>;
  let config: ReturnType<typeof readDevConfig>;
  let envFile: string | undefined;
  let env: Record<string, string | undefined>;
  try {
    args = parseDevArgs(process.argv.slice(2));
    if (args.help) {
      say(USAGE);
      return;
    }
    ({ env, file: envFile } = loadEnv(process.env, args.envFile));
    config = readDevConfig(env, args);
  } catch (error) {
    if (error instanceof ConfigError) return fail(`invalid configuration: ${error.message}`, 2);
    throw error;
  }
  const { settings } = config;
  if (!isLoopbackHost(config.host)) {
    console.error(
      [
        '',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        `!!  HOST=${config.host}: the local stack listens beyond this machine.`,
        '!!  Anyone who reaches this address can send it webhooks and Slack requests;',
        '!!  with the default secrets they are not secret. Set your own secrets, and',
        '!!  prefer HOST=127.0.0.1 with a tunnel (see packages/local/README.md).',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        '',
      ].join('\n'),
    );
  }

  const log = (line: string) => say(`[${time()}] ${line}`);
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    stack = await startLocalStack({
      host: config.host,
      port: config.port,
      ci: config.ci,
      settings,
      env,
      ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
      logger: createLogger({ service: 'local', level: config.logLevel }),
      log,
    });
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof ConfigError) return fail(error.message);
    throw error;
  }

  const { url } = stack;
  const local = settings.vendors;
  const sandboxUrls = {
    github: stack.github.url,
    jira: stack.jira.url,
    slack: stack.slack.apiUrl,
    sentry: stack.sentry.url,
  };
  const project = settings.webhook.jira.allowedProjects[0] ?? 'ENG';
  const custom = (key: keyof typeof LOCAL_SECRETS, value: string) =>
    value === LOCAL_SECRETS[key] ? value : '(yours)';
  const lines = [
    '',
    `Enterprise Agents local stack on ${url}  (Ctrl-C to stop)`,
    '',
    `  API (same routes as API Gateway):  ${url}/webhooks/{jira,github,sentry}  ${url}/slack/{commands,interactions}  ${url}/health`,
    `  Inspect (this machine only):       ${url}/local/tasks  ${url}/local/tasks/<id or key>  ${url}/local/sandbox/{github,jira,slack,sentry}`,
    `  Agents:    ${stack.agents}`,
    `  Database:  ${stack.dynamo.path === undefined ? 'in memory (DATA_DIR or --data-dir keeps it across restarts)' : `${stack.dynamo.path}${stack.dynamo.reused ? ' (reused)' : ' (new)'}`}`,
    `  CI:        ${local.github.mode === 'real' ? 'real GitHub Actions (workflow_run webhooks)' : `sandbox, LOCAL_CI=${config.ciName}`}`,
    `  Secrets:   github=${custom('githubWebhook', settings.secrets.githubWebhook)} jira=${custom('jiraWebhook', settings.secrets.jiraWebhook)} sentry=${custom('sentryClient', settings.secrets.sentryClient)} slack=${custom('slackSigning', settings.secrets.slackSigning)}`,
    `  Config:    ${envFile === undefined ? 'environment only (no .env)' : `environment and ${envFile}`}`,
    '',
    'Vendors:',
    ...vendorLines(settings, sandboxUrls),
  ];
  if (Object.values(local).some((v) => v.mode === 'real')) {
    lines.push(
      '',
      '  Real vendors deliver webhooks to a public URL: run a tunnel to this port and paste',
      '  <tunnel URL>/webhooks/... into each vendor (packages/local/README.md, "Real vendors").',
    );
  }
  if (local.jira.mode === 'sandbox') {
    lines.push(
      '',
      'File a ticket in the sandbox Jira (it sends the signed jira:issue_created webhook):',
      '',
      `  curl -s -u ${SANDBOX_PEOPLE.productOwner.email}:${SANDBOX_PEOPLE.productOwner.apiToken} -H 'content-type: application/json' \\`,
      `    ${stack.jira.url}/rest/api/3/issue \\`,
      `    -d '{"fields":{"project":{"key":"${project}"},"issuetype":{"name":"Story"},"summary":"Add a health check endpoint","labels":["${settings.webhook.jira.triggerLabel}"]}}'`,
    );
  }
  if (stack.dynamo.reused) {
    const stale = (await listAllTasks(stack.dynamo.table)).filter((task) => !isTerminalStatus(task.status));
    if (stale.length > 0)
      lines.push(
        '',
        `${stale.length} task(s) from an earlier run are still ${[...new Set(stale.map((t) => t.status))].join('/')}: their workflow`,
        `executions ended with that process. \`/agent stop <KEY>\` ends them: ${stale.map((t) => t.externalKey).join(', ')}`,
      );
  }
  lines.push('');
  say(lines.join('\n'));

  // When a plan waits for approval: how to answer it from a terminal.
  const announced = new Set<string>();
  const announce = setInterval(() => {
    if (local.slack.mode === 'real') return;
    for (const m of stack.slack.messages()) {
      if (announced.has(m.ts) || !JSON.stringify(m.blocks ?? []).includes('approve_plan')) continue;
      announced.add(m.ts);
      const key = m.text.match(/approval: (\S+)/)?.[1] ?? m.text;
      void stack.tasks.findByExternalKey('jira', key).then(async (found) => {
        const task = found ?? (await stack.tasks.findByExternalKey('sentry', key));
        const pr =
          task?.prNumber === undefined || local.github.mode === 'real'
            ? []
            : [
                `    or comment on the PR as the sandbox developer:`,
                `    curl -s -H 'authorization: token ${SANDBOX_PEOPLE.developer.token}' -H 'content-type: application/json' \\`,
                `      ${stack.github.url}/repos/${task.repo}/issues/${task.prNumber}/comments -d '{"body":"/agent approve"}'`,
              ];
        say(
          [
            '',
            `  Plan ready for ${key}. As Slack approver ${settings.slack.approvers[0] ?? '(none configured)'}:`,
            `    curl -s -X POST ${url}/local/slack/approve/${encodeURIComponent(key)}`,
            `    curl -s -X POST ${url}/local/slack/reject/${encodeURIComponent(key)} -d 'not now'`,
            ...pr,
            `    curl -s ${url}/local/tasks/${encodeURIComponent(key)}`,
            '',
          ].join('\n'),
        );
      });
    }
  }, 500);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(announce);
    say('stopping…');
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
