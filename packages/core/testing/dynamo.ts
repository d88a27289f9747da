import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDocumentClient, type TableRef } from '../src/db/client';
import { tableDefinition } from '../src/db/table';

export interface LocalDynamo {
  endpoint: string;
  table: TableRef;
  /** A fresh table on the same server (isolation between tests). */
  createTable(name: string): Promise<TableRef>;
  /** Whether the table was there already (a LevelDB `path` from an earlier run). */
  reused: boolean;
  stop(): Promise<void>;
}

let tableCounter = 0;

/**
 * An embedded DynamoDB (dynalite, in process, on 127.0.0.1) with the project's
 * table created from the same key design production uses: in memory, or in a
 * LevelDB at `options.path` that survives restarts (the table is then created
 * only when it is missing).
 */
export const startDynamo = async (
  tableName = `tasks-${process.pid}-${++tableCounter}`,
  options: { path?: string } = {},
): Promise<LocalDynamo> => {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
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
  const stop = async () => {
    client.destroy();
    raw.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const active = async (name: string): Promise<TableRef> => {
    for (let i = 0; i < 100; i += 1) {
      const out = await raw.send(new DescribeTableCommand({ TableName: name }));
      if (out.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return { client, tableName: name };
  };
  const createTable = async (name: string): Promise<TableRef> => {
    await raw.send(new CreateTableCommand(tableDefinition(name)));
    return active(name);
  };
  let reused = true;
  let table: TableRef;
  try {
    try {
      await raw.send(new DescribeTableCommand({ TableName: tableName }));
      table = await active(tableName);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      reused = false;
      table = await createTable(tableName);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, table, createTable, reused, stop };
};
