import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Clock,
  isConditionalCheckFailed,
  Keys,
  systemClock,
  type TableRef,
  TTL_ATTRIBUTE,
} from '@enterprise-agents/core';
import type { NotificationLedgerPort, PostedMessage } from '../domain/ports';

const SOURCE = 'slack-notify';

/**
 * Notification dedupe in the table (a `DELIVERY#slack-notify#<id>` item). A claim
 * older than `staleMs` that never became `sent` is taken over: the Lambda that
 * held it died mid-send, and a lost notification is worse than a rare double.
 */
export class DynamoNotificationLedger implements NotificationLedgerPort {
  constructor(
    private readonly table: TableRef,
    private readonly clock: Clock = systemClock,
    private readonly staleMs = 2 * 60 * 1000,
    private readonly ttlSeconds = 30 * 24 * 3600,
  ) {}

  async claim(id: string): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...Keys.delivery(SOURCE, id),
            state: 'sending',
            claimedAt: now.getTime(),
            [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + this.ttlSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': now.getTime() - this.staleMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async markSent(id: string, ref: PostedMessage): Promise<void> {
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: Keys.delivery(SOURCE, id),
        UpdateExpression: 'SET #state = :sent, channel = :c, ts = :ts',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':c': ref.channel, ':ts': ref.ts },
      }),
    );
  }

  async release(id: string): Promise<void> {
    await this.table.client
      .send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: Keys.delivery(SOURCE, id),
          ConditionExpression: '#state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionalCheckFailed(error)) throw error;
      });
  }
}
