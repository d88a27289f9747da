import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TimelineEvent } from '../domain/task';
import { type Clock, systemClock } from '../ports/clock';
import { isConditionalCheckFailed, type TableRef } from './client';
import { Keys } from './table';

export type NewTimelineEvent = Omit<TimelineEvent, 'at' | 'taskId'>;

/** The task's audit log: append-only, ordered by time. */
export class TimelineRepository {
  constructor(
    private readonly table: TableRef,
    private readonly clock: Clock = systemClock,
  ) {}

  async append(taskId: string, event: NewTimelineEvent): Promise<TimelineEvent> {
    const at = this.clock.now().toISOString();
    // Several writers can log in the same millisecond: the sequence suffix keeps both.
    for (let n = 0; n < 50; n += 1) {
      const item = { ...Keys.event(taskId, at, n), taskId, at, ...event };
      try {
        await this.table.client.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { taskId, at, ...event };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new Error(`could not append timeline event for ${taskId}`);
  }

  /** Events oldest first; `latest` returns only the last n, still oldest first. */
  async list(taskId: string, options: { latest?: number } = {}): Promise<TimelineEvent[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': Keys.task(taskId).pk, ':prefix': 'EVENT#' },
          ScanIndexForward: options.latest === undefined,
          ...(options.latest === undefined ? {} : { Limit: options.latest }),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = options.latest === undefined ? out.LastEvaluatedKey : undefined;
    } while (startKey !== undefined);
    const events = items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as unknown as TimelineEvent);
    return options.latest === undefined ? events : events.reverse();
  }
}
