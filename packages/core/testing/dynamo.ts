import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDocumentClient, type TableRef } from '../src/db/client';
import { tableDefinition } from '../src/db/table';

export interface LocalDynamo {
  endpoint: string;
  table: TableRef;
  /** A fresh table on the same server (isolation between tests). */
  createTable(name: string): Promise<TableRef>;
  stop(): Promise<void>;
}

let tableCounter = 0;

/**
 * An embedded DynamoDB (dynalite, in process, on 127.0.0.1) with the project's
 * table created from the same key design production uses.
 */
export const startDynamo = async (
  tableName = `tasks-${process.pid}-${++tableCounter}`,
): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
  const raw = new DynamoDBClient(clientConfig);
  const client = createDocumentClient(clientConfig);
  const createTable = async (name: string): Promise<TableRef> => {
    await raw.send(new CreateTableCommand(tableDefinition(name)));
    for (let i = 0; i < 100; i += 1) {
      const out = await raw.send(new DescribeTableCommand({ TableName: name }));
      if (out.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { client, tableName: name };
  };
  const table = await createTable(tableName);
  return {
    endpoint,
    table,
    createTable,
    stop: async () => {
      client.destroy();
      raw.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
