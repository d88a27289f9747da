import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../ports/clock';
import { isConditionalCheckFailed, type TableRef } from './client';
import { Keys, TTL_ATTRIBUTE } from './table';

/**
 * Webhook delivery dedupe: the first claim of a delivery id wins, redeliveries
 * lose. A claim is `processing` until {@link complete}; one left `processing`
 * longer than `staleMs` (the Lambda died mid-way: a timeout, not an exception) is
 * taken over by the next redelivery, so a crash cannot swallow a delivery.
 */
export class DeliveryStore {
  constructor(
    private readonly table: TableRef,
    private readonly ttlSeconds = 7 * 24 * 3600,
    private readonly clock: Clock = systemClock,
    private readonly staleMs = 2 * 60 * 1000,
  ) {}

  /** True when this call may process the delivery. */
  async claim(source: string, deliveryId: string, meta: Record<string, unknown> = {}): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...Keys.delivery(source, deliveryId),
            ...meta,
            state: 'processing',
            claimedAt: now.getTime(),
            receivedAt: now.toISOString(),
            [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + this.ttlSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :processing AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':processing': 'processing', ':stale': now.getTime() - this.staleMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Marks a delivery as processed (with what to remember of it): later copies are duplicates. */
  async complete(
    source: string,
    deliveryId: string,
    meta: Record<string, string | number> = {},
  ): Promise<void> {
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':done': 'done' };
    const sets = ['#state = :done'];
    for (const [i, [key, value]] of Object.entries(meta).entries()) {
      names[`#m${i}`] = key;
      values[`:m${i}`] = value;
      sets.push(`#m${i} = :m${i}`);
    }
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: Keys.delivery(source, deliveryId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Gives a claim back so the sender's retry is processed again: for a delivery
   * whose handling failed on our side (5xx) after it was claimed.
   */
  async release(source: string, deliveryId: string): Promise<void> {
    try {
      await this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: Keys.delivery(source, deliveryId),
          // A completed delivery stays completed.
          ConditionExpression: '#state = :processing',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':processing': 'processing' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
