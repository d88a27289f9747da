import type { CostStore, TaskRepository, TimelineRepository } from '@enterprise-agents/core/db';
import type { Clock } from '@enterprise-agents/core/util';
import type { SlackSettings } from '../config';
import type { ApproverPolicy } from '../domain/approvers';
import type { FollowUpDeps } from '../domain/follow-ups';
import type { FollowUpPort } from '../domain/ports';

/** What the HTTP side needs: the follow-up deps plus the enqueue port and settings. */
export interface HttpServices extends FollowUpDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
  costs: CostStore;
  approvers: ApproverPolicy;
  followUps: FollowUpPort;
  settings: SlackSettings;
  clock: Clock;
}
