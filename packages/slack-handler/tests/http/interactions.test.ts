import { TaskStatus } from '@enterprise-agents/core/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ActionId, REJECT_VIEW_CALLBACK } from '../../src/domain/approvals';
import {
  APPROVER,
  awaitApproval,
  blockActions,
  GROUP_MEMBER,
  type Harness,
  OTHER_APPROVER,
  PROJECT_CHANNEL,
  STRANGER,
  seedTask,
  signedForm,
  startHarness,
} from '../harness';

describe('approval buttons', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());
  beforeEach(() => {
    h.slack.reset();
    h.callback.successes.length = 0;
    h.callback.failures.length = 0;
  });

  const setup = async () => {
    const task = await seedTask(h);
    const { taskToken } = await awaitApproval(h, task);
    const approval = await h.approvals.get(task.taskId);
    if (approval?.messageTs === undefined || approval.channel === undefined)
      throw new Error('no approval message');
    const value = JSON.stringify({ taskId: task.taskId, runId: task.runId });
    return { task, taskToken, approval: { channel: approval.channel, messageTs: approval.messageTs }, value };
  };

  const click = (user: string, actionId: string, value: string, messageTs: string, responseId: string) =>
    h.http(
      signedForm(
        '/slack/interactions',
        blockActions({
          user,
          actionId,
          value,
          messageTs,
          channel: PROJECT_CHANNEL,
          responseUrl: h.slack.responseUrl(responseId),
        }),
      ),
    );

  it('approve by an approver completes the task token, logs it and updates the message', async () => {
    const { task, taskToken, approval, value } = await setup();
    const result = await click(APPROVER, ActionId.Approve, value, approval.messageTs, 'a1');
    expect(result).toMatchObject({ statusCode: 200, body: '' });
    expect(h.callback.successes).toEqual([
      { taskToken, output: { approved: true, by: APPROVER, via: 'slack' } },
    ]);
    const events = await h.timeline.list(task.taskId);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['approval.requested', 'approval.approved']),
    );
    const message = h.slack.messages(approval.channel).find((m) => m.ts === approval.messageTs);
    expect(message?.edited).toBe(true);
    expect(JSON.stringify(message?.blocks)).toContain(`Approved by <@${APPROVER}>`);
    expect(JSON.stringify(message?.blocks)).not.toContain('approve_plan');
    // The button path is quiet on success: the updated message is the answer.
    expect(h.slack.responses('a1')).toHaveLength(0);
  });

  it('a second click after the decision does nothing and says who decided', async () => {
    const { taskToken, approval, value } = await setup();
    await click(APPROVER, ActionId.Approve, value, approval.messageTs, 'd1');
    await click(OTHER_APPROVER, ActionId.Approve, value, approval.messageTs, 'd2');
    expect(h.callback.successes).toHaveLength(1);
    expect(h.callback.successes[0]?.taskToken).toBe(taskToken);
    const [reply] = h.slack.responses('d2');
    expect(reply?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(reply?.body.text)).toContain(`already approved by <@${APPROVER}>`);
  });

  it('two approvers clicking at the same moment complete the token once', async () => {
    const { approval, value } = await setup();
    await Promise.all([
      click(APPROVER, ActionId.Approve, value, approval.messageTs, 'r1'),
      click(OTHER_APPROVER, ActionId.Approve, value, approval.messageTs, 'r2'),
    ]);
    expect(h.callback.successes).toHaveLength(1);
    expect([...h.slack.responses('r1'), ...h.slack.responses('r2')]).toHaveLength(1);
  });

  it('refuses someone who is not an approver, ephemerally, and decides nothing', async () => {
    const { task, approval, value } = await setup();
    const result = await click(STRANGER, ActionId.Approve, value, approval.messageTs, 'x1');
    expect(result.statusCode).toBe(200);
    expect(h.callback.successes).toHaveLength(0);
    expect(String(h.slack.responses('x1')[0]?.body.text)).toContain('Not allowed');
    expect(h.slack.responses('x1')[0]?.body.response_type).toBe('ephemeral');
    expect((await h.tasks.get(task.taskId))?.status).toBe(TaskStatus.AwaitingApproval);
    expect((await h.approvals.get(task.taskId))?.decision).toBeUndefined();
  });

  it('accepts members of the approver user group (usergroups.users.list)', async () => {
    const { approval, value } = await setup();
    await click(GROUP_MEMBER, ActionId.Approve, value, approval.messageTs, 'g1');
    expect(h.callback.successes).toHaveLength(1);
    expect(h.slack.callsTo('usergroups.users.list')[0]?.args.usergroup).toBe('S0APPROVERS');
  });

  it('refuses a button from an earlier run', async () => {
    const { task, approval } = await setup();
    const old = JSON.stringify({ taskId: task.taskId, runId: task.runId + 5 });
    await click(APPROVER, ActionId.Approve, old, approval.messageTs, 's1');
    expect(h.callback.successes).toHaveLength(0);
    expect(String(h.slack.responses('s1')[0]?.body.text)).toContain('belong to run 6');
  });

  it('reject opens a reason dialog; submitting it fails the token with Rejected and the reason', async () => {
    const { task, taskToken, approval, value } = await setup();
    await click(APPROVER, ActionId.Reject, value, approval.messageTs, 'j1');
    expect(h.callback.failures).toHaveLength(0);
    expect(h.slack.views).toHaveLength(1);
    const view = h.slack.views[0]?.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(REJECT_VIEW_CALLBACK);
    const submission = {
      type: 'view_submission',
      team: { id: 'T0001', domain: 'acme' },
      user: { id: APPROVER, username: 'someone', name: 'someone', team_id: 'T0001' },
      api_app_id: 'A0APP',
      token: 'x',
      trigger_id: '1.2.3',
      view: {
        id: h.slack.views[0]?.id,
        type: 'modal',
        callback_id: REJECT_VIEW_CALLBACK,
        private_metadata: view.private_metadata,
        state: {
          values: {
            reason: { reason_input: { type: 'plain_text_input', value: 'Touches the <payments> module' } },
          },
        },
      },
      response_urls: [],
    };
    const result = await h.http(signedForm('/slack/interactions', { payload: JSON.stringify(submission) }));
    expect(result).toMatchObject({ statusCode: 200, body: '' });
    expect(h.callback.failures).toEqual([
      { taskToken, error: 'Rejected', cause: 'Touches the <payments> module' },
    ]);
    const events = await h.timeline.list(task.taskId);
    expect(events.find((e) => e.type === 'approval.rejected')?.data).toMatchObject({
      reason: 'Touches the <payments> module',
    });
    const message = h.slack.messages(approval.channel).find((m) => m.ts === approval.messageTs);
    expect(JSON.stringify(message?.blocks)).toContain('Rejected by');
    expect(JSON.stringify(message?.blocks)).toContain('&lt;payments&gt;');
  });

  it('an empty reason keeps the dialog open with an error', async () => {
    const { task } = await setup();
    const submission = {
      type: 'view_submission',
      user: { id: APPROVER },
      view: {
        callback_id: REJECT_VIEW_CALLBACK,
        private_metadata: JSON.stringify({ taskId: task.taskId, runId: task.runId }),
        state: { values: { reason: { reason_input: { value: '   ' } } } },
      },
    };
    const result = await h.http(signedForm('/slack/interactions', { payload: JSON.stringify(submission) }));
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(String(result.body))).toEqual({
      response_action: 'errors',
      errors: { reason: expect.any(String) },
    });
    expect(h.callback.failures).toHaveLength(0);
  });

  it('reject by a stranger does not open the dialog', async () => {
    const { approval, value } = await setup();
    await click(STRANGER, ActionId.Reject, value, approval.messageTs, 'k1');
    expect(h.slack.views).toHaveLength(0);
    expect(String(h.slack.responses('k1')[0]?.body.text)).toContain('Not allowed');
  });

  it('reject after an approval says who decided instead of opening the dialog', async () => {
    const { approval, value } = await setup();
    await click(APPROVER, ActionId.Approve, value, approval.messageTs, 'l1');
    await click(OTHER_APPROVER, ActionId.Reject, value, approval.messageTs, 'l2');
    expect(h.slack.views).toHaveLength(0);
    expect(String(h.slack.responses('l2')[0]?.body.text)).toContain('already approved');
  });

  it('ignores interaction types it does not handle', async () => {
    const result = await h.http(
      signedForm('/slack/interactions', {
        payload: JSON.stringify({ type: 'view_closed', user: { id: APPROVER } }),
      }),
    );
    expect(result).toMatchObject({ statusCode: 200, body: '' });
    expect(h.followUps.jobs.filter((j) => j.userId === APPROVER && j.work.kind !== 'decide')).toHaveLength(0);
  });
});
