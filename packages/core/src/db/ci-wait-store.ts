import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../ports/clock';
import { isConditionalCheckFailed, type TableRef } from './client';
import { Keys, TTL_ATTRIBUTE } from './table';

export interface CiWait {
  repo: string;
  sha: string;
  taskId: string;
  runId: number;
  taskToken: string;
  registeredAt: string;
}

/**
 * Task tokens of executions waiting for CI on a commit. Resolving deletes the
 * item conditionally, so a webhook and a late registration cannot both complete
 * the same token.
 */
export class CiWaitStore {
  constructor(
    private readonly table: TableRef,
    private readonly clock: Clock = systemClock,
    private readonly ttlSeconds = 3 * 24 * 3600,
  ) {}

  async register(input: Omit<CiWait, 'registeredAt'>): Promise<CiWait> {
    const now = this.clock.now();
    const wait: CiWait = { ...input, repo: input.repo.toLowerCase(), registeredAt: now.toISOString() };
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...Keys.ciWait(input.repo, input.sha, input.taskId),
          ...wait,
          [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + this.ttlSeconds,
        },
      }),
    );
    return wait;
  }

  async listForCommit(repo: string, sha: string): Promise<CiWait[]> {
    const out = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': Keys.ciWaitPartition(repo, sha) },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(({ pk: _pk, sk: _sk, ttl: _ttl, ...rest }) => rest as CiWait);
  }

  /** Takes the wait away; true only for the caller that removed it, with the same token. */
  async take(wait: Pick<CiWait, 'repo' | 'sha' | 'taskId' | 'taskToken'>): Promise<boolean> {
    try {
      await this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: Keys.ciWait(wait.repo, wait.sha, wait.taskId),
          ConditionExpression: 'taskToken = :token',
          ExpressionAttributeValues: { ':token': wait.taskToken },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
