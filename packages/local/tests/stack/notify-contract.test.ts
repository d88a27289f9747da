import { createLogger } from '@enterprise-agents/core/logging';
import { parseNotify } from '@enterprise-agents/slack-handler';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CiPolicies, type LocalStack, startLocalStack } from '../../src/stack';
import { clickButton, sendJiraIssueCreated, waitForApprovalMessage } from '../../src/stack/drive';

// Payload fields the state machine sends that the Slack side deliberately does not read.
const NOT_FOR_SLACK = new Set(['action', 'revision', 'headSha']);

/**
 * The state machine's notify payloads, as they really flow in a run that fixes CI
 * three times and escalates, must be understood field for field by slack-handler:
 * a renamed field would otherwise be dropped silently (notify never fails a run).
 */
describe('state machine → slack-handler notify contract', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({
      logger: createLogger({ service: 'test', level: 'silent' }),
      ci: CiPolicies.alwaysRed,
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('every field of every notify payload is read, and the CI failure names the failing job', async () => {
    stack.jira.seedIssue({ key: 'ENG-7', summary: 'Make login faster', labels: ['AI'] });
    await sendJiraIssueCreated(stack, {
      key: 'ENG-7',
      summary: 'Make login faster',
      description: 'p95 under 100 ms',
    });
    await clickButton(stack, await waitForApprovalMessage(stack), 'approve_plan');
    // The run is parked at the approval until the click: wait for that execution's end, not for quiet.
    const claimed = await stack.tasks.findByExternalKey('jira', 'ENG-7');
    const execution = [...stack.workflow.executions.values()].find(
      (e) => e.executionArn === claimed?.executionArn,
    );
    if (execution === undefined) throw new Error('no execution for ENG-7');
    const record = await execution.done;
    expect(record.status).toBe('SUCCEEDED');
    const task = await stack.tasks.findByExternalKey('jira', 'ENG-7');
    expect(task?.status).toBe('ESCALATED');

    const payloads = [...stack.workflow.executions.values()]
      .flatMap((e) => e.record.calls)
      .filter((call) => call.action === 'notify')
      .map((call) => call.payload as Record<string, unknown>);
    expect(new Set(payloads.map((p) => p.kind))).toEqual(
      new Set(['execution_started', 'ci_failed', 'escalated']),
    );
    for (const payload of payloads) {
      const parsed = parseNotify(payload) as unknown as Record<string, unknown>;
      const dropped = Object.keys(payload).filter(
        (key) => !NOT_FOR_SLACK.has(key) && parsed[key] === undefined && payload[key] !== null,
      );
      expect({ kind: payload.kind, dropped }).toEqual({ kind: payload.kind, dropped: [] });
    }
    const started = payloads.find((p) => p.kind === 'execution_started');
    expect(started?.by).toBe('U0APPROVER');
    const ciFailed = stack.slack.messages().filter((m) => m.text.startsWith('CI failed'));
    expect(ciFailed).toHaveLength(3);
    expect(JSON.stringify(ciFailed[0]?.blocks)).toContain('test');
  }, 60_000);
});
