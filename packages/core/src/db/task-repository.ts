import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  isTerminalStatus,
  RunKind,
  type TaskSource,
  TaskStatus,
  TERMINAL_STATUSES,
} from '../domain/constants';
import { canTransition, INITIAL_TASK_STATUS, type Task, type TaskContext } from '../domain/task';
import { ConflictError } from '../errors/errors';
import { type Clock, systemClock } from '../ports/clock';
import { isConditionalCheckFailed, type TableRef } from './client';
import { GSI1, Keys } from './table';

type TaskItem = Task & { pk: string; sk: string; gsi1pk: string; gsi1sk: string };

export interface NewTask {
  source: TaskSource;
  externalKey: string;
  title: string;
  context: TaskContext;
  repo?: string;
  branch?: string;
  prNumber?: number;
  prUrl?: string;
  headSha?: string;
}

export type CreateTaskResult = { created: true; task: Task } | { created: false; existing: Task };

/** Fields a status transition may set alongside the status. */
export type TaskPatch = Partial<
  Pick<
    Task,
    | 'repo'
    | 'branch'
    | 'prNumber'
    | 'prUrl'
    | 'headSha'
    | 'baseBranch'
    | 'attempts'
    | 'statusReason'
    | 'executionArn'
    | 'title'
  >
>;

const ACTIVE_STATUSES = Object.values(TaskStatus).filter((s) => !isTerminalStatus(s));

/**
 * A status change the transition table (TASK_TRANSITIONS) does not allow. It is a
 * ConflictError, so a caller that treats "the task moved on" as the end of its
 * work treats a refused move the same way.
 */
export class InvalidTransitionError extends ConflictError {
  constructor(
    readonly taskId: string,
    readonly from: readonly TaskStatus[],
    readonly to: TaskStatus,
    cause?: unknown,
  ) {
    super(`task ${taskId} may not move from ${from.join('|')} to ${to}`, cause);
    this.name = 'InvalidTransition';
  }
}

const strip = (item: Record<string, unknown> | undefined): Task | undefined => {
  if (item === undefined) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...task } = item;
  return task as unknown as Task;
};

/**
 * Tasks and their external-key index. "One active task per external key" is a
 * conditional write on the `EXT#` item, so two concurrent deliveries for the same
 * Jira issue cannot both start a task (no transactions: dynalite lacks them).
 */
export class TaskRepository {
  constructor(
    private readonly table: TableRef,
    private readonly clock: Clock = systemClock,
    private readonly newId: () => string = () => randomUUID(),
  ) {}

  async get(taskId: string): Promise<Task | undefined> {
    const out = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: Keys.task(taskId), ConsistentRead: true }),
    );
    return strip(out.Item);
  }

  async require(taskId: string): Promise<Task> {
    const task = await this.get(taskId);
    if (task === undefined) throw new ConflictError(`task ${taskId} does not exist`);
    return task;
  }

  /** The task currently (or last) registered for an external key. */
  async findByExternalKey(source: TaskSource, key: string): Promise<Task | undefined> {
    const out = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: Keys.external(source, key),
        ConsistentRead: true,
      }),
    );
    const taskId = out.Item?.taskId as string | undefined;
    return taskId === undefined ? undefined : this.get(taskId);
  }

  async findByPullRequest(repo: string, prNumber: number): Promise<Task | undefined> {
    const out = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: Keys.pullRequest(repo, prNumber),
        ConsistentRead: true,
      }),
    );
    const taskId = out.Item?.taskId as string | undefined;
    return taskId === undefined ? undefined : this.get(taskId);
  }

  /**
   * Creates a task unless an active one holds the external key. The key is
   * claimed first (conditional put), then the task is written; a claim whose task
   * never got written, or whose task ended, is taken over.
   */
  async createIfNoActive(input: NewTask): Promise<CreateTaskResult> {
    const now = this.clock.now().toISOString();
    const taskId = this.newId();
    const task: Task = {
      taskId,
      source: input.source,
      externalKey: input.externalKey,
      title: input.title,
      status: INITIAL_TASK_STATUS,
      context: input.context,
      runId: 1,
      runKind: RunKind.New,
      attempts: 0,
      costUsd: 0,
      createdAt: now,
      updatedAt: now,
      ...(input.repo === undefined ? {} : { repo: input.repo }),
      ...(input.branch === undefined ? {} : { branch: input.branch }),
      ...(input.prNumber === undefined ? {} : { prNumber: input.prNumber }),
      ...(input.prUrl === undefined ? {} : { prUrl: input.prUrl }),
      ...(input.headSha === undefined ? {} : { headSha: input.headSha }),
    };
    const extKey = Keys.external(input.source, input.externalKey);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.table.client.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { ...extKey, taskId, createdAt: now },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        await this.putTask(task);
        return { created: true, task };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const holder = await this.table.client.send(
        new GetCommand({ TableName: this.table.tableName, Key: extKey, ConsistentRead: true }),
      );
      const holderId = holder.Item?.taskId as string | undefined;
      const existing =
        holderId === undefined
          ? undefined
          : await this.awaitClaimedTask(holderId, holder.Item?.createdAt as string | undefined);
      if (existing !== undefined && !isTerminalStatus(existing.status)) return { created: false, existing };
      // The holder ended (or was never written): take the key over, unless someone else just did.
      try {
        await this.table.client.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { ...extKey, taskId, createdAt: now },
            ConditionExpression: 'taskId = :old',
            ExpressionAttributeValues: { ':old': holderId },
          }),
        );
        await this.putTask(task);
        return { created: true, task };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new ConflictError(`could not claim ${input.source} key ${input.externalKey}`);
  }

  /**
   * The task of a key claim. A claim is written just before its task, so a young
   * claim without a task is most likely a concurrent creation still in flight:
   * wait for it briefly rather than take the key over and make a second task.
   */
  private async awaitClaimedTask(taskId: string, claimedAt: string | undefined): Promise<Task | undefined> {
    const graceMs = 5_000;
    for (let i = 0; ; i += 1) {
      const task = await this.get(taskId);
      if (task !== undefined) return task;
      const age = claimedAt === undefined ? Infinity : this.clock.now().getTime() - Date.parse(claimedAt);
      if (!(age < graceMs) || i >= 40) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async putTask(task: Task): Promise<void> {
    const item: TaskItem = {
      ...task,
      ...Keys.task(task.taskId),
      gsi1pk: Keys.statusIndex(task.status),
      gsi1sk: `${task.updatedAt}#${task.taskId}`,
    };
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (task.repo !== undefined && task.prNumber !== undefined)
      await this.linkPullRequest(task.taskId, task.repo, task.prNumber);
  }

  /** Remembers which task owns a PR, so comments and reviews on it find the task. */
  async linkPullRequest(taskId: string, repo: string, prNumber: number): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...Keys.pullRequest(repo, prNumber), taskId },
      }),
    );
  }

  /**
   * Moves a task to `to` if its status is one of `from` (any non-terminal status
   * when omitted) from which the transition table allows `to`, and sets the patch.
   * Throws InvalidTransitionError before writing when no status of `from` may move
   * to `to`, or when the task's status may not (the conditional write is the
   * concurrency guard); ConflictError when the task moved on or is another run.
   */
  async transition(
    taskId: string,
    to: TaskStatus,
    options: { from?: readonly TaskStatus[]; patch?: TaskPatch; runId?: number } = {},
  ): Promise<Task> {
    const requested = options.from ?? ACTIVE_STATUSES;
    const from = requested.filter((status) => canTransition(status, to));
    if (from.length === 0) throw new InvalidTransitionError(taskId, requested, to);
    const now = this.clock.now().toISOString();
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':to': to,
      ':now': now,
      ':g1': Keys.statusIndex(to),
      ':g1sk': `${now}#${taskId}`,
    };
    const sets = ['#status = :to', 'updatedAt = :now', 'gsi1pk = :g1', 'gsi1sk = :g1sk'];
    for (const [i, [key, value]] of Object.entries(options.patch ?? {}).entries()) {
      if (value === undefined) continue;
      names[`#p${i}`] = key;
      values[`:p${i}`] = value;
      sets.push(`#p${i} = :p${i}`);
    }
    const fromPlaceholders = from.map((status, i) => {
      values[`:f${i}`] = status;
      return `:f${i}`;
    });
    let condition = `attribute_exists(pk) AND #status IN (${fromPlaceholders.join(', ')})`;
    if (options.runId !== undefined) {
      values[':run'] = options.runId;
      condition += ' AND runId = :run';
    }
    try {
      const out = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: Keys.task(taskId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      const task = strip(out.Attributes) as Task;
      if (task.repo !== undefined && task.prNumber !== undefined && options.patch?.prNumber !== undefined) {
        await this.linkPullRequest(task.taskId, task.repo, task.prNumber);
      }
      return task;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Only a failed write pays for this read: say so when the table, not a race, refused it.
      const current = await this.get(taskId).catch(() => undefined);
      if (
        current !== undefined &&
        requested.includes(current.status) &&
        !canTransition(current.status, to) &&
        (options.runId === undefined || current.runId === options.runId)
      )
        throw new InvalidTransitionError(taskId, [current.status], to, error);
      throw new ConflictError(
        `task ${taskId} is not in ${from.join('|')}${options.runId === undefined ? '' : ` run ${options.runId}`}`,
        error,
      );
    }
  }

  /**
   * Requests a new workflow run on an existing task (GitHub `fix` / `revise`):
   * back to QUEUED with the next run id, unless a run is in progress.
   */
  async requestRun(taskId: string, kind: RunKind, feedback?: TaskContext['feedback']): Promise<Task> {
    const before = await this.require(taskId);
    // The external key may have moved on to a newer task; never run two for one key.
    const extKey = Keys.external(before.source, before.externalKey);
    const holder = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: extKey, ConsistentRead: true }),
    );
    const holderId = holder.Item?.taskId as string | undefined;
    if (holderId !== undefined && holderId !== taskId) {
      const newer = await this.get(holderId);
      if (newer !== undefined && !isTerminalStatus(newer.status)) {
        throw new ConflictError(`task ${holderId} is active for ${before.source} ${before.externalKey}`);
      }
    }
    const now = this.clock.now().toISOString();
    const values: Record<string, unknown> = {
      ':queued': TaskStatus.Queued,
      ':now': now,
      ':g1': Keys.statusIndex(TaskStatus.Queued),
      ':g1sk': `${now}#${taskId}`,
      ':one': 1,
      ':kind': kind,
      ':zero': 0,
    };
    // A new run starts from an ended task only (the table: ended → QUEUED).
    const ended = TERMINAL_STATUSES.filter((status) => canTransition(status, TaskStatus.Queued));
    const terminal = ended.map((status, i) => {
      values[`:t${i}`] = status;
      return `:t${i}`;
    });
    let update =
      'SET #status = :queued, updatedAt = :now, gsi1pk = :g1, gsi1sk = :g1sk, runKind = :kind, attempts = :zero ADD runId :one';
    if (feedback !== undefined) {
      values[':fb'] = feedback;
      update = update.replace(' ADD', ', #context.feedback = :fb ADD');
    }
    let task: Task;
    try {
      const out = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: Keys.task(taskId),
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${terminal.join(', ')})`,
          ExpressionAttributeNames: {
            '#status': 'status',
            ...(feedback === undefined ? {} : { '#context': 'context' }),
          },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      task = strip(out.Attributes) as Task;
    } catch (error) {
      if (isConditionalCheckFailed(error))
        throw new ConflictError(`task ${taskId} has a run in progress`, error);
      throw error;
    }
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...extKey, taskId, createdAt: now },
          ConditionExpression: 'attribute_not_exists(pk) OR taskId = :holder',
          ExpressionAttributeValues: { ':holder': holderId ?? taskId },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // A new task took the key between our check and now: give the run back.
      await this.transition(taskId, before.status, { from: [TaskStatus.Queued], runId: task.runId });
      throw new ConflictError(`another task took ${before.source} ${before.externalKey}`, error);
    }
    return task;
  }

  /**
   * ClaimTask: exactly one execution owns a run. QUEUED + matching run id
   * becomes DISCOVERING (new) or EXECUTING (fix/revise), recording the execution.
   */
  async claim(taskId: string, runId: number, executionArn: string): Promise<Task> {
    const task = await this.require(taskId);
    const to = task.runKind === RunKind.New ? TaskStatus.Discovering : TaskStatus.Executing;
    return this.transition(taskId, to, { from: [TaskStatus.Queued], runId, patch: { executionArn } });
  }

  async incrementAttempts(taskId: string): Promise<number> {
    const out = await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: Keys.task(taskId),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.attempts ?? 0);
  }

  async listByStatus(status: TaskStatus, limit = 50): Promise<Task[]> {
    const out = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': Keys.statusIndex(status) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => strip(item) as Task);
  }

  async listActive(limit = 50): Promise<Task[]> {
    const groups = await Promise.all(ACTIVE_STATUSES.map((status) => this.listByStatus(status, limit)));
    return groups
      .flat()
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, limit);
  }
}
