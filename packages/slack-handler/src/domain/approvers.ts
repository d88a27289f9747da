import type { Logger } from '@enterprise-agents/core/logging';
import type { Clock } from '@enterprise-agents/core/util';
import type { SlackSettings } from '../config';
import type { SlackPort } from './ports';

export type Authorization = { allowed: true } | { allowed: false; reason: string };

/**
 * Who may approve, reject, stop and start tasks: the configured user ids, or
 * members of the configured user group. Group members are cached briefly so a
 * burst of clicks costs one Slack call; nobody is an approver when neither is set.
 */
export class ApproverPolicy {
  private cache: { members: Set<string>; expiresAt: number } | undefined;

  constructor(
    private readonly settings: Pick<SlackSettings, 'approvers' | 'approverGroup'>,
    private readonly slack: Pick<SlackPort, 'usergroupMembers'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cacheMs = 60_000,
  ) {}

  async check(userId: string): Promise<Authorization> {
    if (this.settings.approvers.includes(userId)) return { allowed: true };
    const group = this.settings.approverGroup;
    if (group === undefined) {
      return this.settings.approvers.length === 0
        ? { allowed: false, reason: 'no approvers are configured (SLACK_APPROVERS / SLACK_APPROVER_GROUP)' }
        : { allowed: false, reason: 'you are not one of the configured approvers' };
    }
    const members = await this.groupMembers(group);
    return members.has(userId)
      ? { allowed: true }
      : { allowed: false, reason: 'you are not a member of the approvers user group' };
  }

  private async groupMembers(group: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    if (this.cache !== undefined && this.cache.expiresAt > now) return this.cache.members;
    const members = new Set(await this.slack.usergroupMembers(group));
    this.logger.debug({ group, members: members.size }, 'approver group loaded');
    this.cache = { members, expiresAt: now + this.cacheMs };
    return members;
  }
}
