import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../ports/clock';
import type { TableRef } from './client';
import { Keys } from './table';

export interface CostEntry {
  taskId: string;
  at: string;
  agent: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Prompt-cache tokens, billed apart from plain input (absent for runtimes that don't report them). */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  usd: number;
}

export interface DailyCost {
  date: string;
  usd: number;
  inputTokens: number;
  outputTokens: number;
  invocations: number;
}

/** LLM spend: one entry per invocation, a running total on the task, and daily totals. */
export class CostStore {
  constructor(
    private readonly table: TableRef,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Records an invocation; returns the task's and the day's totals after it. */
  async record(entry: Omit<CostEntry, 'at'>): Promise<{ taskTotalUsd: number; dayTotalUsd: number }> {
    const at = this.clock.now().toISOString();
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...Keys.cost(entry.taskId, at, entry.agent, randomUUID().slice(0, 8)), ...entry, at },
      }),
    );
    const task = await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: Keys.task(entry.taskId),
        UpdateExpression: 'ADD costUsd :usd',
        // Never upsert a half task item for an unknown id.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':usd': entry.usd },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const day = await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: Keys.dailyCost(at.slice(0, 10)),
        UpdateExpression:
          'SET #date = :date ADD usd :usd, inputTokens :in, outputTokens :out, invocations :one',
        ExpressionAttributeNames: { '#date': 'date' },
        ExpressionAttributeValues: {
          ':date': at.slice(0, 10),
          ':usd': entry.usd,
          ':in': entry.inputTokens,
          ':out': entry.outputTokens,
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return {
      taskTotalUsd: Number(task.Attributes?.costUsd ?? 0),
      dayTotalUsd: Number(day.Attributes?.usd ?? 0),
    };
  }

  async daily(date: string): Promise<DailyCost> {
    const out = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: Keys.dailyCost(date), ConsistentRead: true }),
    );
    return {
      date,
      usd: Number(out.Item?.usd ?? 0),
      inputTokens: Number(out.Item?.inputTokens ?? 0),
      outputTokens: Number(out.Item?.outputTokens ?? 0),
      invocations: Number(out.Item?.invocations ?? 0),
    };
  }

  /** Daily totals for the last `days` days, today included, newest first. */
  async lastDays(days: number): Promise<DailyCost[]> {
    const today = this.clock.now();
    const dates = Array.from({ length: days }, (_, i) =>
      new Date(today.getTime() - i * 24 * 3600 * 1000).toISOString().slice(0, 10),
    );
    return Promise.all(dates.map((date) => this.daily(date)));
  }

  async forTask(taskId: string): Promise<CostEntry[]> {
    const out = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': Keys.task(taskId).pk, ':prefix': 'COST#' },
      }),
    );
    return (out.Items ?? []).map(({ pk: _pk, sk: _sk, ...rest }) => rest as CostEntry);
  }
}
