import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../ports/clock';
import { isConditionalCheckFailed, type TableRef } from './client';
import { Keys, TTL_ATTRIBUTE } from './table';

/** Webhook delivery dedupe: the first claim of a delivery id wins, redeliveries lose. */
export class DeliveryStore {
  constructor(
    private readonly table: TableRef,
    private readonly ttlSeconds = 7 * 24 * 3600,
    private readonly clock: Clock = systemClock,
  ) {}

  /** True when this call is the first to see the delivery. */
  async claim(source: string, deliveryId: string, meta: Record<string, unknown> = {}): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...Keys.delivery(source, deliveryId),
            ...meta,
            receivedAt: now.toISOString(),
            [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + this.ttlSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Gives a claim back so the sender's retry is processed again: for a delivery
   * whose handling failed on our side (5xx) after it was claimed.
   */
  async release(source: string, deliveryId: string): Promise<void> {
    await this.table.client.send(
      new DeleteCommand({ TableName: this.table.tableName, Key: Keys.delivery(source, deliveryId) }),
    );
  }
}
