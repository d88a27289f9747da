import { StopReason as Stop, type StopReason, type TextBlock, type ToolUseBlock } from '../domain/model';

/**
 * What the two streaming adapters (Bedrock ConverseStream, Anthropic Messages)
 * share while they read one assistant turn: the blocks being assembled, their
 * final form, stop reasons, token estimates and the abort race.
 */

/** A content block while its deltas arrive: text, or a tool call whose JSON input comes in fragments. */
export type PendingBlock =
  | { type: 'text'; text: string }
  | { type: 'toolUse'; id: string; name: string; json: string };

/** Tool input as the model streamed it: an object when it is JSON, the raw text otherwise. */
export const parseToolInput = (json: string): unknown => {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
};

/**
 * The assistant turn from its blocks, in stream order: empty text dropped, each
 * tool input assembled from all its fragments and parsed once (a block the
 * stream never closed is parsed the same way).
 */
export const assembleTurn = (blocks: ReadonlyMap<number, PendingBlock>): Array<TextBlock | ToolUseBlock> =>
  [...blocks.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, block]): Array<TextBlock | ToolUseBlock> => {
      if (block.type === 'text') return block.text === '' ? [] : [{ type: 'text', text: block.text }];
      return [{ type: 'toolUse', id: block.id, name: block.name, input: parseToolInput(block.json) }];
    });

/**
 * A provider's stop reason by its table; one the port has no name for (a
 * malformed tool use, a future reason) becomes tool_use when the turn has tool
 * calls, so the loop answers each, and end_turn otherwise, so the loop validates
 * the text and asks for a correction.
 */
export const stopReasonOf = (
  table: Readonly<Record<string, StopReason>>,
  raw: string,
  hasToolUse: boolean,
): StopReason => table[raw] ?? (hasToolUse ? Stop.ToolUse : Stop.EndTurn);

const CHARS_PER_TOKEN = 4;
/** Tokens of text whose count the API has not reported (an aborted call): about 4 characters each. */
export const estimateTokens = (chars: number): number => Math.ceil(chars / CHARS_PER_TOKEN);

/** Rejects once `signal` aborts; never settles otherwise. */
export const abortion = (signal: AbortSignal): Promise<never> => {
  const promise = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  // Only raced against: a rejection nobody awaits must not surface as unhandled.
  promise.catch(() => undefined);
  return promise;
};

/** The error itself when it looks like one (errors from another realm, e.g. undici's, fail instanceof). */
export const asError = (error: unknown): Error =>
  typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
    ? (error as Error)
    : new Error(String(error));
