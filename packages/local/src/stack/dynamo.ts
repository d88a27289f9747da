import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TableRef } from '@enterprise-agents/core/db';
import { ConfigError } from '@enterprise-agents/core/errors';
import { startDynamo } from '@enterprise-agents/core/testing';

/** The embedded DynamoDB of the local stack. */
export interface LocalDynamo {
  endpoint: string;
  table: TableRef;
  /** Where the data lives; undefined when it is in memory. */
  path: string | undefined;
  /** Whether the table was there already (a restart on a data directory). */
  reused: boolean;
  stop(): Promise<void>;
}

export const LOCAL_TABLE_NAME = 'enterprise-agents-local';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * LevelDB allows one process per directory, and a second dynalite on it fails
 * with an uncaught error on its first request: a pid file says who holds it first.
 */
const lockDataDir = (dir: string, label: string): (() => void) => {
  const file = join(dir, 'stack.pid');
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    holder = undefined;
  }
  if (holder !== undefined && holder !== process.pid && alive(holder))
    throw new ConfigError(
      `DATA_DIR ${label} is in use by another running local stack (pid ${holder}). Stop that one (Ctrl-C in its terminal), or choose another DATA_DIR.`,
    );
  writeFileSync(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
};

/**
 * Starts dynalite on 127.0.0.1 with the production table design: in memory, or in
 * a LevelDB under `<dataDir>/dynamodb` that survives restarts (the table is
 * created only when it is missing). A data directory in use by another running
 * stack is refused with a ConfigError naming it.
 */
export const startLocalDynamo = async (
  options: { dataDir?: string; tableName?: string } = {},
): Promise<LocalDynamo> => {
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const path = options.dataDir === undefined ? undefined : join(resolve(options.dataDir), 'dynamodb');
  let unlock: () => void = () => undefined;
  if (path !== undefined && options.dataDir !== undefined) {
    mkdirSync(path, { recursive: true });
    unlock = lockDataDir(resolve(options.dataDir), options.dataDir);
  }
  try {
    const dynamo = await startDynamo(tableName, path === undefined ? {} : { path });
    const stop = async () => {
      await dynamo.stop();
      unlock();
    };
    return { endpoint: dynamo.endpoint, table: dynamo.table, path, reused: dynamo.reused, stop };
  } catch (error) {
    unlock();
    throw error;
  }
};
