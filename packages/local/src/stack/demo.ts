import type { Task, TimelineEvent } from '@enterprise-agents/core/domain';
import { createLogger } from '@enterprise-agents/core/logging';
import { LOCAL_DEFAULTS } from './config';
import { startLocalStack } from './create-stack';
import { clickButton, sendJiraIssueCreated, waitForApprovalMessage } from './drive';
import { CiPolicies } from './sandbox-ci';

export interface DemoReport {
  task: Task;
  timeline: TimelineEvent[];
  slackThread: string[];
  pullRequests: { number: number; draft: boolean; head: string; title: string }[];
  jiraComments: string[];
  transitions: number;
  log: string[];
}

const until = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/**
 * One ticket end to end on the local stack: a signed Jira webhook creates the
 * task, the agents plan on a draft PR, a Slack approver clicks Approve, the
 * execution agent commits, sandbox CI goes red, the CI/CD agent fixes it, CI goes
 * green, and the task completes.
 */
export const runDemo = async (onLog: (line: string) => void = () => undefined): Promise<DemoReport> => {
  const log: string[] = [];
  const record = (line: string) => {
    log.push(line);
    onLog(line);
  };
  const stack = await startLocalStack({
    logger: createLogger({ service: 'local', level: process.env.LOG_LEVEL ?? 'silent' }),
    ci: CiPolicies.redThenGreen,
    log: record,
  });
  try {
    const key = `${LOCAL_DEFAULTS.jiraProject}-42`;
    stack.jira.seedIssue({ key, summary: 'Add rate limiting to the login endpoint', labels: ['AI'] });
    const accepted = await sendJiraIssueCreated(stack, {
      key,
      summary: 'Add rate limiting to the login endpoint',
      description: 'Limit login attempts to 5 per minute per IP. Return 429 with Retry-After when exceeded.',
    });
    record(`jira webhook -> ${accepted.status} ${JSON.stringify(accepted.body)}`);
    const approval = await waitForApprovalMessage(stack);
    record(`slack: plan posted for approval in ${approval.channel}`);
    record(`slack approve click -> ${await clickButton(stack, approval, 'approve_plan')}`);
    const task = await until('the task to finish', async () => {
      const current = await stack.tasks.findByExternalKey('jira', key);
      return current !== undefined &&
        ['COMPLETED', 'ESCALATED', 'REJECTED', 'FAILED', 'CANCELLED'].includes(current.status)
        ? current
        : undefined;
    });
    await stack.idle();
    const thread = stack.slack
      .messages(approval.channel)
      .filter((m) => m.ts === approval.threadTs || m.threadTs !== undefined);
    const pulls = stack.github.requestsTo('POST', /\/repos\/acme\/app\/pulls$/);
    return {
      task,
      timeline: await stack.timeline.list(task.taskId),
      slackThread: thread.map((m) => m.text),
      pullRequests: pulls.map((request) => {
        const body = request.body as { title?: string; head?: string; draft?: boolean };
        return {
          number: task.prNumber ?? 0,
          draft: body.draft === true,
          head: body.head ?? '',
          title: body.title ?? '',
        };
      }),
      jiraComments: (stack.jira.issues.get(key)?.comments ?? []).map((c) =>
        JSON.stringify(c.body).slice(0, 120),
      ),
      transitions: [...stack.workflow.executions.values()].reduce((sum, e) => sum + e.record.transitions, 0),
      log,
    };
  } finally {
    await stack.close();
  }
};

/** The report as the terminal shows it. */
export const formatReport = (report: DemoReport): string => {
  const lines = [
    '',
    `Task ${report.task.taskId} (${report.task.externalKey}): ${report.task.status}`,
    `  repo ${report.task.repo ?? '-'}  branch ${report.task.branch ?? '-'}  PR #${report.task.prNumber ?? '-'}  fix attempts ${report.task.attempts}  cost $${report.task.costUsd.toFixed(4)}`,
    `  state transitions: ${report.transitions}`,
    '',
    'Timeline:',
    ...report.timeline.map((e) => `  ${e.at}  ${e.type.padEnd(20)} ${e.message}`),
    '',
    'Slack thread:',
    ...report.slackThread.map((text) => `  - ${text.split('\n')[0]}`),
    '',
    'GitHub pull requests opened:',
    ...report.pullRequests.map((pr) => `  - #${pr.number} ${pr.title} (${pr.head}, draft: ${pr.draft})`),
    '',
    `Jira comments on ${report.task.externalKey}: ${report.jiraComments.length}`,
  ];
  return lines.join('\n');
};
