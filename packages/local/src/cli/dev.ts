import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createLogger, hmacSha256Hex } from '@enterprise-agents/core';
import { CiPolicies, LOCAL_DEFAULTS, LOCAL_SECRETS, startLocalStack } from '../stack';
import { clickButton, sendSlashCommand } from '../stack/drive';

const policies = {
  green: CiPolicies.alwaysGreen,
  'red-then-green': CiPolicies.redThenGreen,
  red: CiPolicies.alwaysRed,
} as const;

const main = async (): Promise<void> => {
  const port = Number(process.env.PORT ?? 3000);
  const controlPort = port + 1;
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

When the plan is posted for approval, the commands to approve or reject it as the
sandbox Slack approver are printed (sandbox control on 127.0.0.1:${controlPort}).
\`make demo\` walks through the whole flow by itself.
`);
  // Sandbox control, on its own port and not part of the API: acts as a Slack user through
  // the real, signed Slack endpoints, since a terminal cannot click a sandbox button.
  const control = createServer(async (request, response) => {
    const [, verb, key] = (request.url ?? '').split('/');
    try {
      if (
        request.method !== 'POST' ||
        key === undefined ||
        !['approve', 'reject', 'agent'].includes(verb ?? '')
      ) {
        response
          .writeHead(404)
          .end('POST /approve/<KEY>, /reject/<KEY> or /agent/<command text, URL-encoded>\n');
        return;
      }
      const decoded = decodeURIComponent(key);
      if (verb === 'approve') {
        const message = stack.slack
          .messages()
          .filter((m) => m.text.includes(decoded) && JSON.stringify(m.blocks ?? []).includes('approve_plan'))
          .at(-1);
        if (message === undefined) throw new Error(`no approval message for ${decoded} in the sandbox Slack`);
        response.end(`approve click -> HTTP ${await clickButton(stack, message, 'approve_plan')}\n`);
      } else {
        const text = verb === 'reject' ? `reject ${decoded} rejected from the terminal` : decoded;
        const answer = await sendSlashCommand(stack, text);
        response.end(`/agent ${text} -> HTTP ${answer.status} ${JSON.stringify(answer.body)}\n`);
      }
    } catch (error) {
      response.writeHead(400).end(`${(error as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve) => control.listen(controlPort, '127.0.0.1', resolve));
  const announced = new Set<string>();
  const announce = setInterval(() => {
    for (const m of stack.slack.messages()) {
      if (announced.has(m.ts) || !JSON.stringify(m.blocks ?? []).includes('approve_plan')) continue;
      announced.add(m.ts);
      const key = m.text.match(/approval: (\S+)/)?.[1] ?? m.text;
      console.log(
        `\n  Plan ready for ${key}. As approver ${LOCAL_DEFAULTS.approver}:\n` +
          `    curl -X POST http://127.0.0.1:${controlPort}/approve/${encodeURIComponent(key)}\n` +
          `    curl -X POST http://127.0.0.1:${controlPort}/reject/${encodeURIComponent(key)}\n` +
          `    curl -X POST http://127.0.0.1:${controlPort}/agent/${encodeURIComponent(`status ${key}`)}\n`,
      );
    }
  }, 500);

  const stop = async () => {
    clearInterval(announce);
    control.close();
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
