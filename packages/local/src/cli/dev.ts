import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, hmacSha256Hex } from '@enterprise-agents/core';
import { CiPolicies, LOCAL_DEFAULTS, LOCAL_SECRETS, startLocalStack } from '../stack';

const policies = {
  green: CiPolicies.alwaysGreen,
  'red-then-green': CiPolicies.redThenGreen,
  red: CiPolicies.alwaysRed,
} as const;

const main = async (): Promise<void> => {
  const port = Number(process.env.PORT ?? 3000);
  const ciName = (process.env.LOCAL_CI ?? 'red-then-green') as keyof typeof policies;
  const policy = policies[ciName];
  if (policy === undefined) throw new Error(`LOCAL_CI must be one of ${Object.keys(policies).join(', ')}`);
  const stack = await startLocalStack({
    port,
    ci: policy,
    logger: createLogger({ service: 'local', level: process.env.LOG_LEVEL ?? 'warn' }),
    log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  stack.jira.seedIssue({ key: 'ENG-1', summary: 'Add a health check endpoint', labels: ['AI'] });

  // A signed sample delivery, so the first request needs nothing but curl.
  const dir = join(process.cwd(), '.local');
  mkdirSync(dir, { recursive: true });
  const body = JSON.stringify({
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_created',
    issue: {
      id: '10001',
      key: 'ENG-1',
      fields: {
        summary: 'Add a health check endpoint',
        labels: ['AI'],
        project: { key: 'ENG' },
        issuetype: { name: 'Story' },
      },
    },
  });
  writeFileSync(join(dir, 'jira-issue-created.json'), body);
  const signature = `sha256=${hmacSha256Hex(LOCAL_SECRETS.jiraWebhook, body)}`;

  console.log(`
Enterprise Agents local stack on ${stack.url}  (Ctrl-C to stop)

  API (same routes as API Gateway):   ${stack.url}/health
                                      ${stack.url}/webhooks/{jira,github,sentry}
                                      ${stack.url}/slack/{commands,interactions}
  Sandbox GitHub API:  ${stack.github.url}   (repo ${LOCAL_DEFAULTS.repo})
  Sandbox Jira API:    ${stack.jira.url}
  Sandbox Slack API:   ${stack.slack.apiUrl}   (channel ${LOCAL_DEFAULTS.slackChannel}, approver ${LOCAL_DEFAULTS.approver})
  Sandbox CI:          ${ciName}
  Webhook secrets:     github=${LOCAL_SECRETS.githubWebhook} jira=${LOCAL_SECRETS.jiraWebhook} slack signing=${LOCAL_SECRETS.slackSigning}

Start a task with the signed sample Jira delivery:

  curl -s -X POST ${stack.url}/webhooks/jira -H 'content-type: application/json' \\
    -H 'x-atlassian-webhook-identifier: sample-1' -H 'x-hub-signature: ${signature}' \\
    --data-binary @.local/jira-issue-created.json

Then approve it from the sandbox Slack (the plan message is logged) or run \`make demo\`
for a scripted walk through the whole flow.
`);
  const stop = async () => {
    console.log('stopping…');
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
