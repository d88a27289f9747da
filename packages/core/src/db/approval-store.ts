import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../ports/clock';
import { isConditionalCheckFailed, type TableRef } from './client';
import { Keys } from './table';

export const ApprovalDecision = {
  Approved: 'approved',
  Rejected: 'rejected',
} as const;
export type ApprovalDecision = (typeof ApprovalDecision)[keyof typeof ApprovalDecision];

export interface Approval {
  taskId: string;
  runId: number;
  taskToken: string;
  requestedAt: string;
  channel?: string;
  messageTs?: string;
  decision?: ApprovalDecision;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
  /** Where the decision was made. */
  via?: 'slack' | 'github';
  /** Set once the decision reached the waiting execution (the task token was completed). */
  delivered?: boolean;
}

export type DecideResult = { won: true; approval: Approval } | { won: false; approval: Approval | undefined };

/** The pending approval of a task: its task token and, once made, the decision. */
export class ApprovalStore {
  constructor(
    private readonly table: TableRef,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Stores a new pending approval, replacing any earlier (decided or timed-out) one. */
  async request(
    input: Omit<Approval, 'requestedAt' | 'decision' | 'decidedBy' | 'decidedAt' | 'reason'>,
  ): Promise<Approval> {
    const approval: Approval = { ...input, requestedAt: this.clock.now().toISOString() };
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...Keys.approval(input.taskId), ...approval },
      }),
    );
    return approval;
  }

  async get(taskId: string): Promise<Approval | undefined> {
    const out = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: Keys.approval(taskId), ConsistentRead: true }),
    );
    if (out.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...approval } = out.Item;
    return approval as Approval;
  }

  async attachMessage(taskId: string, channel: string, messageTs: string): Promise<void> {
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: Keys.approval(taskId),
        UpdateExpression: 'SET channel = :c, messageTs = :ts',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':c': channel, ':ts': messageTs },
      }),
    );
  }

  /** Marks the decision as delivered; true only for the first caller. */
  async markDelivered(taskId: string): Promise<boolean> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: Keys.approval(taskId),
          UpdateExpression: 'SET delivered = :t',
          ConditionExpression: 'attribute_exists(decision) AND attribute_not_exists(delivered)',
          ExpressionAttributeValues: { ':t': true },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Records a decision exactly once: only the first of concurrent clicks /
   * commands wins; the others learn who decided.
   */
  async decide(
    taskId: string,
    decision: ApprovalDecision,
    decidedBy: string,
    reason?: string,
    via?: 'slack' | 'github',
  ): Promise<DecideResult> {
    try {
      const out = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: Keys.approval(taskId),
          UpdateExpression: 'SET decision = :d, decidedBy = :by, decidedAt = :at, reason = :r, via = :via',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(decision)',
          ExpressionAttributeValues: {
            ':d': decision,
            ':by': decidedBy,
            ':at': this.clock.now().toISOString(),
            ':r': reason ?? null,
            ':via': via ?? null,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const { pk: _pk, sk: _sk, ...approval } = out.Attributes ?? {};
      return { won: true, approval: approval as Approval };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { won: false, approval: await this.get(taskId) };
      throw error;
    }
  }
}
