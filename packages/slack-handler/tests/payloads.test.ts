import { describe, expect, it } from '@jest/globals';
import notifySchema from '../../../schemas/step-functions/notify.json' with { type: 'json' };
import { NotifyKind } from '../src/domain/notifications';
import { parseNotify, parseRequestApproval } from '../src/payloads';

const approval = { action: 'requestApproval', taskToken: 'tok', taskId: 't-1', runId: 1 };

describe('Step Functions payloads of slack-handler (schemas/step-functions)', () => {
  it('the notify schema names exactly the NotifyKind values', () => {
    expect(notifySchema.properties.kind.enum).toEqual(Object.values(NotifyKind));
  });

  it('notify: keeps what Slack reads, null reads as absent, failed jobs become {name, url, conclusion}', () => {
    expect(
      parseNotify({
        action: 'notify',
        taskId: 't-1',
        runId: 2,
        kind: 'ci_failed',
        attempt: 1,
        maxAttempts: 3,
        summary: 'test failed',
        prUrl: null,
        headSha: 'abc',
        failedJobs: [
          'lint',
          { name: 'test', htmlUrl: 'https://ci/1', conclusion: 'failure' },
          { name: 'build', url: 'https://ci/2', htmlUrl: 'https://ci/x', conclusion: 7 },
        ],
      }),
    ).toEqual({
      taskId: 't-1',
      runId: 2,
      kind: 'ci_failed',
      attempt: 1,
      maxAttempts: 3,
      summary: 'test failed',
      failedJobs: [
        { name: 'lint' },
        { name: 'test', url: 'https://ci/1', conclusion: 'failure' },
        { name: 'build', url: 'https://ci/2' },
      ],
    });
  });

  it('requestApproval: a summary that is not text reads "(no summary)", a structured scope reads as JSON', () => {
    expect(
      parseRequestApproval({
        ...approval,
        plan: { summary: 42, estimatedScope: { files: 3 }, prNumber: 7, repo: null, tasks: ['a'] },
      }),
    ).toEqual({
      taskToken: 'tok',
      taskId: 't-1',
      runId: 1,
      plan: { summary: '(no summary)', estimatedScope: '{"files":3}', prNumber: 7 },
    });
  });

  it.each([
    [{ action: 'notify', taskId: ' ', kind: 'completed' }, 'notify.taskId must be a non-empty string'],
    [
      { action: 'notify', taskId: 't', kind: 'completed', reason: '' },
      'notify.reason must be a non-empty string',
    ],
    [{ action: 'notify', taskId: 't', kind: 'completed', costUsd: '1' }, 'notify.costUsd must be a number'],
    [
      { action: 'notify', taskId: 't', kind: 'ci_failed', failedJobs: ['a', { url: 'x' }] },
      'notify.failedJobs[1] must be a job name or an object with a name',
    ],
    [{ ...approval, plan: [] }, 'requestApproval.plan must be an object'],
    [{ ...approval, runId: -1, plan: {} }, 'requestApproval.runId must be a non-negative integer'],
    [
      { ...approval, plan: { repositories: ['a', 1], prNumber: 1.5 } },
      'requestApproval.plan.prNumber must be a non-negative integer; requestApproval.plan.repositories[1] must be a string',
    ],
  ])('refuses %j as InvalidPayload naming the field', (payload, message) => {
    const parse = payload.action === 'notify' ? parseNotify : parseRequestApproval;
    expect(() => parse(payload)).toThrow(expect.objectContaining({ name: 'InvalidPayload', message }));
  });
});
