import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../ports/clock';
import { isConditionalCheckFailed, type TableRef } from './client';
import { Keys } from './table';

/** DynamoDB refuses items over 400 KB; stored messages stay well below it (keys and attributes included). */
export const MAX_STORED_MESSAGE_BYTES = 300_000;

/** One message of an agent conversation as stored: the body is opaque JSON owned by the agent loop. */
export interface StoredMessage {
  seq: number;
  role: 'user' | 'assistant';
  /** JSON of the message's content blocks. */
  body: string;
  /** What the message is to the loop (a step's prompt, a model turn, tool results, a correction, a summary restart). */
  kind: string;
  /** Which step of the run wrote it (the loop resumes a step by this key). */
  stepKey: string;
  at: string;
}

/** Another invocation wrote this sequence number first: the conversation moved on without us. */
export class ConversationConflictError extends Error {
  constructor(conversationId: string, seq: number) {
    super(`conversation ${conversationId} already has message ${seq}`);
    this.name = 'ConversationConflict';
  }
}

/**
 * The agent loop's conversations: one item per message under the task, so a step
 * that stops at the Lambda deadline or crashes resumes from what was stored.
 * Writes are conditional on the sequence number: two invocations can never
 * interleave messages of one conversation.
 */
export class ConversationStore {
  constructor(
    private readonly table: TableRef,
    private readonly clock: Clock = systemClock,
  ) {}

  async append(
    taskId: string,
    conversationId: string,
    message: Omit<StoredMessage, 'at'>,
  ): Promise<StoredMessage> {
    const bytes = Buffer.byteLength(message.body, 'utf8');
    if (bytes > MAX_STORED_MESSAGE_BYTES)
      throw new RangeError(
        `message ${message.seq} of ${conversationId} is ${bytes} bytes; the limit is ${MAX_STORED_MESSAGE_BYTES}`,
      );
    const stored = { ...message, at: this.clock.now().toISOString() };
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...Keys.conversationMessage(taskId, conversationId, message.seq),
            conversationId,
            ...stored,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new ConversationConflictError(conversationId, message.seq);
      throw error;
    }
    return stored;
  }

  /** Every message of the conversation, oldest first. */
  async load(taskId: string, conversationId: string): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': Keys.task(taskId).pk,
            ':prefix': Keys.conversationPrefix(conversationId),
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? [])
        messages.push({
          seq: Number(item.seq),
          role: item.role === 'assistant' ? 'assistant' : 'user',
          body: String(item.body),
          kind: String(item.kind),
          stepKey: String(item.stepKey ?? ''),
          at: String(item.at),
        });
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return messages;
  }
}
