import type { TaskSource } from '@enterprise-agents/core/domain';

/** What the handler answers for a delivery it accepted as authentic. */
export const OutcomeStatus = {
  /** New work was published (a task or a new run on one). */
  Accepted: 'accepted',
  /** Authentic and well-formed, but nothing for us to do. */
  Ignored: 'ignored',
  /** The same delivery was already processed. */
  Duplicate: 'duplicate',
  /** A task is already active for this issue / PR. */
  InProgress: 'in-progress',
  /** Handled (ping, installation, a command answered on the PR, a task closed). */
  Ok: 'ok',
  /** The sender may not do this (a commander without write permission). */
  Refused: 'refused',
  /** A waiting workflow was resumed with a CI result. */
  Resumed: 'resumed',
  /** CI on the commit is not decided yet. */
  Pending: 'pending',
} as const;
export type OutcomeStatus = (typeof OutcomeStatus)[keyof typeof OutcomeStatus];

/** The JSON body of a 2xx answer. */
export interface Outcome {
  status: OutcomeStatus;
  reason?: string;
  taskId?: string;
  taskIds?: string[];
  runId?: number;
  command?: string;
  result?: string;
}

/**
 * What a delivery asks of us, decided from the payload alone: either an answer
 * right away, or an action that runs once per delivery id.
 */
export type DeliveryPlan =
  | { kind: 'answer'; outcome: Outcome }
  | { kind: 'act'; source: TaskSource; deliveryId: string; event: string; run: () => Promise<Outcome> };

export const ignored = (reason: string): DeliveryPlan => ({
  kind: 'answer',
  outcome: { status: OutcomeStatus.Ignored, reason },
});

export const answer = (outcome: Outcome): DeliveryPlan => ({ kind: 'answer', outcome });
