import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, type TableRef } from './client';
import { Keys } from './table';

export interface SlackThread {
  taskId: string;
  channel: string;
  threadTs: string;
}

/** The one Slack thread of a task. */
export class ThreadStore {
  constructor(private readonly table: TableRef) {}

  async get(taskId: string): Promise<SlackThread | undefined> {
    const out = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: Keys.thread(taskId), ConsistentRead: true }),
    );
    if (out.Item === undefined) return undefined;
    return { taskId, channel: out.Item.channel as string, threadTs: out.Item.threadTs as string };
  }

  /** Saves the thread unless one exists; returns the thread that is stored. */
  async putIfAbsent(thread: SlackThread): Promise<SlackThread> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...Keys.thread(thread.taskId), ...thread },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return thread;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return (await this.get(thread.taskId)) ?? thread;
    }
  }
}
