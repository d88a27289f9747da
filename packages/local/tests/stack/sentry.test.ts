import { createLogger } from '@enterprise-agents/core/logging';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CiPolicies, type LocalStack, startLocalStack } from '../../src/stack';
import { clickButton, sendSentryEventAlert, waitForApprovalMessage } from '../../src/stack/drive';

/** A Sentry issue alert through the local HTTP API to a completed bug-fix task. */
describe('local stack: Sentry alert to a fix', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({
      logger: createLogger({ service: 'test', level: 'silent' }),
      ci: CiPolicies.alwaysGreen,
    });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('creates one task per Sentry issue, carries the stack trace to the agents and completes', async () => {
    const alert = {
      issueId: '1170820242',
      eventId: '9fac2ceed9344f2bbfdd1fdacb0ed9b1',
      title: "TypeError: Cannot read properties of undefined (reading 'id')",
      culprit: 'src/login.ts in login',
      frames: [
        { filename: 'node_modules/express/lib/router.js', function: 'handle', lineno: 10, inApp: false },
        { filename: 'src/login.ts', function: 'login', lineno: 1, inApp: true },
      ],
    };
    const first = await sendSentryEventAlert(stack, alert);
    expect(first.status).toBe(202);
    // The same issue alerting again (a new event, a new delivery) does not start a second task.
    const again = await sendSentryEventAlert(stack, {
      ...alert,
      eventId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    });
    expect(again.status).toBe(200);
    expect(JSON.stringify(again.body)).toMatch(/in progress/);

    await clickButton(stack, await waitForApprovalMessage(stack), 'approve_plan');
    await stack.idle();
    const task = await stack.tasks.findByExternalKey('sentry', alert.issueId);
    expect(task).toMatchObject({ source: 'sentry', status: 'COMPLETED' });
    expect(task?.context.sentry?.frames[0]).toMatchObject({ filename: 'src/login.ts', inApp: true });
    const executions = [...stack.workflow.executions.values()];
    expect(executions).toHaveLength(1);
    const discovery = executions[0]?.record.calls.find(
      (c) => (c.payload as { agent?: string }).agent === 'discovery',
    );
    expect(discovery).toBeDefined();
    expect(executions[0]?.record.path).toContain('DiscoverFromSentry');
  }, 60_000);
});
