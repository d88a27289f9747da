import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Keys, type TableRef } from '@enterprise-agents/core/db';
import type { Task } from '@enterprise-agents/core/domain';
import type { TaskReader } from '../domain/ports';

/**
 * {@link TaskReader} with one consistent GetItem. Not core's TaskRepository: its
 * other methods would put Query and UpdateItem in the bundle, and the role
 * (least privilege, checked by infrastructure/tests/lambda-iam.test.ts) grants
 * jira-actions only GetItem on the table besides the timeline's PutItem.
 */
export class DynamoTaskReader implements TaskReader {
  constructor(private readonly table: TableRef) {}

  async get(taskId: string): Promise<Task | undefined> {
    const out = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: Keys.task(taskId), ConsistentRead: true }),
    );
    if (out.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...task } = out.Item;
    return task as Task;
  }
}
