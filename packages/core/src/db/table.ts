import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table's key design. Terraform's dynamodb.tf
 * declares the same keys; the local stack and the tests create the table from
 * {@link tableDefinition}.
 */
export const Keys = {
  task: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'META' }),
  external: (source: string, key: string) => ({ pk: `EXT#${source}#${key}`, sk: 'TASK' }),
  pullRequest: (repo: string, prNumber: number) => ({
    pk: `PR#${repo.toLowerCase()}#${prNumber}`,
    sk: 'TASK',
  }),
  delivery: (source: string, id: string) => ({ pk: `DELIVERY#${source}#${id}`, sk: 'DELIVERY' }),
  approval: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'APPROVAL' }),
  ciWait: (repo: string, sha: string, taskId: string) => ({
    pk: `CIWAIT#${repo.toLowerCase()}#${sha}`,
    sk: `TASK#${taskId}`,
  }),
  ciWaitPartition: (repo: string, sha: string) => `CIWAIT#${repo.toLowerCase()}#${sha}`,
  thread: (taskId: string) => ({ pk: `TASK#${taskId}`, sk: 'THREAD' }),
  event: (taskId: string, at: string, n: number) => ({
    pk: `TASK#${taskId}`,
    sk: `EVENT#${at}#${String(n).padStart(4, '0')}`,
  }),
  /** `id` keeps two invocations recorded in the same millisecond apart. */
  cost: (taskId: string, at: string, agent: string, id: string) => ({
    pk: `TASK#${taskId}`,
    sk: `COST#${at}#${agent}#${id}`,
  }),
  /** One stored message of an agent conversation (the agent loop's memory across Lambda invocations). */
  conversationMessage: (taskId: string, conversationId: string, seq: number) => ({
    pk: `TASK#${taskId}`,
    sk: `CONV#${conversationId}#${String(seq).padStart(6, '0')}`,
  }),
  conversationPrefix: (conversationId: string) => `CONV#${conversationId}#`,
  dailyCost: (date: string) => ({ pk: `COSTS#${date}`, sk: 'TOTAL' }),
  statusIndex: (status: string) => `STATUS#${status}`,
} as const;

export const GSI1 = 'gsi1';

export const tableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: GSI1,
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
});

export const TTL_ATTRIBUTE = 'ttl';
