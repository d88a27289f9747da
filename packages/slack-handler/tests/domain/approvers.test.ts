import { FixedClock, silentLogger } from '@enterprise-agents/core/testing';
import { describe, expect, it } from '@jest/globals';
import { ApproverPolicy } from '../../src/domain/approvers';

const groupPort = (members: string[]) => {
  const calls: string[] = [];
  return {
    calls,
    port: {
      usergroupMembers: async (group: string) => {
        calls.push(group);
        return members;
      },
    },
  };
};

describe('ApproverPolicy', () => {
  it('allows listed users without asking Slack', async () => {
    const slack = groupPort([]);
    const policy = new ApproverPolicy(
      { approvers: ['U1'], approverGroup: 'S1' },
      slack.port,
      new FixedClock(),
      silentLogger(),
    );
    expect(await policy.check('U1')).toEqual({ allowed: true });
    expect(slack.calls).toEqual([]);
  });

  it('allows group members and caches the group for the configured time', async () => {
    const clock = new FixedClock();
    const slack = groupPort(['U2']);
    const policy = new ApproverPolicy(
      { approvers: [], approverGroup: 'S1' },
      slack.port,
      clock,
      silentLogger(),
      60_000,
    );
    expect(await policy.check('U2')).toEqual({ allowed: true });
    expect(await policy.check('U3')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('user group'),
    });
    expect(slack.calls).toEqual(['S1']);
    clock.advance(61_000);
    await policy.check('U2');
    expect(slack.calls).toEqual(['S1', 'S1']);
  });

  it('allows nobody when neither users nor a group are configured', async () => {
    const policy = new ApproverPolicy(
      { approvers: [] },
      groupPort([]).port,
      new FixedClock(),
      silentLogger(),
    );
    expect(await policy.check('U1')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('no approvers'),
    });
  });

  it('refuses users outside the list when no group is set', async () => {
    const policy = new ApproverPolicy(
      { approvers: ['U1'] },
      groupPort([]).port,
      new FixedClock(),
      silentLogger(),
    );
    expect(await policy.check('U9')).toMatchObject({ allowed: false });
  });
});
