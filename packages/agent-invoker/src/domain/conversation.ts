import { MAX_STORED_MESSAGE_BYTES, type StoredMessage } from '@enterprise-agents/core/db';
import type { ContentBlock, ModelMessage, ModelUsage, StopReason } from './model';

/** What a stored message is to the loop. */
export const MessageKind = {
  /** A step's instruction (user). */
  Prompt: 'prompt',
  /** One model call's answer (assistant). */
  Turn: 'turn',
  /** The answers of the tools a turn called (user). */
  ToolResults: 'tool-results',
  /** Error results for tool calls a crash interrupted (user). */
  Repair: 'repair',
  /** "Your result was invalid" (user). */
  Correction: 'correction',
  /** "You were cut off at the output limit; go on" (user). */
  Nudge: 'nudge',
  /** Restart from a summary when the context fills up (user); starts a new segment. */
  Summary: 'summary',
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** A message as the loop works with it: content plus what the store keeps beside it. */
export interface LoopMessage extends ModelMessage {
  seq: number;
  kind: MessageKind;
  stepKey: string;
  /** Assistant turns: why the model stopped and what the call consumed (context accounting on resume). */
  stopReason?: StopReason;
  usage?: ModelUsage;
}

interface StoredBody {
  content: ContentBlock[];
  stopReason?: StopReason;
  usage?: ModelUsage;
}

/** Tool output kept per result; more would crowd the context window for little gain. */
export const MAX_TOOL_RESULT_BYTES = 60_000;

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Cuts text to a byte budget on a character boundary, saying so in the text itself. */
export const truncateText = (text: string, maxBytes: number, what = 'output'): string => {
  const bytes = byteLength(text);
  if (bytes <= maxBytes) return text;
  const note = `\n[${what} truncated: ${bytes} bytes, kept the first ${maxBytes}; ask for less, e.g. a narrower path, fewer lines or a smaller limit]`;
  const kept = Buffer.from(text, 'utf8')
    .subarray(0, Math.max(0, maxBytes - byteLength(note)))
    .toString('utf8')
    // A multi-byte character cut in half decodes to U+FFFD: drop it.
    .replace(/\uFFFD+$/u, '');
  return kept + note;
};

/**
 * The stored body of a message, never over the item limit: tool results are cut
 * first (largest first), then text, then tool inputs are replaced by a note.
 */
export const encodeBody = (
  message: Pick<LoopMessage, 'content' | 'stopReason' | 'usage'>,
  limit = MAX_STORED_MESSAGE_BYTES - 2_000,
): string => {
  const body: StoredBody = {
    content: message.content.map((block) => ({ ...block })),
    ...(message.stopReason === undefined ? {} : { stopReason: message.stopReason }),
    ...(message.usage === undefined ? {} : { usage: message.usage }),
  };
  let encoded = JSON.stringify(body);
  for (let pass = 0; pass < 4 && byteLength(encoded) > limit; pass += 1) {
    const excess = byteLength(encoded) - limit;
    const blocks = body.content
      .map((block, index) => ({ block, index, size: byteLength(JSON.stringify(block)) }))
      .sort((a, b) => b.size - a.size);
    const largest = blocks[0];
    if (largest === undefined) break;
    const { block } = largest;
    const target = Math.max(1_000, largest.size - excess - 1_000);
    if (block.type === 'toolResult') block.content = truncateText(block.content, target, 'tool output');
    else if (block.type === 'text') block.text = truncateText(block.text, target, 'text');
    else block.input = { truncated: true, note: `tool input of ${largest.size} bytes not stored` };
    encoded = JSON.stringify(body);
  }
  return encoded;
};

export const decodeMessage = (stored: StoredMessage): LoopMessage => {
  const body = JSON.parse(stored.body) as StoredBody;
  return {
    seq: stored.seq,
    role: stored.role,
    kind: stored.kind as MessageKind,
    stepKey: stored.stepKey,
    content: body.content,
    ...(body.stopReason === undefined ? {} : { stopReason: body.stopReason }),
    ...(body.usage === undefined ? {} : { usage: body.usage }),
  };
};

/** The messages the model sees: from the last summary restart on. */
export const currentSegment = (messages: readonly LoopMessage[]): LoopMessage[] => {
  const start = messages.findLastIndex((m) => m.kind === MessageKind.Summary);
  return messages.slice(Math.max(0, start));
};

/**
 * Model messages from stored ones: consecutive messages of one role merged (a new
 * step's prompt after the previous step's tool results, a repair before a prompt),
 * since the APIs require alternating roles starting with the user.
 */
export const toModelMessages = (messages: readonly LoopMessage[]): ModelMessage[] => {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    const previous = out.at(-1);
    if (previous !== undefined && previous.role === message.role)
      previous.content = [...previous.content, ...message.content];
    else out.push({ role: message.role, content: [...message.content] });
  }
  while (out[0]?.role === 'assistant') out.shift();
  return out;
};

export const textOf = (content: readonly ContentBlock[]): string =>
  content
    .filter((block): block is Extract<ContentBlock, { type: 'text' }> => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
