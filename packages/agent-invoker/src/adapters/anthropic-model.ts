import { isPlainObject } from '@enterprise-agents/core/util';
import {
  AgentInvocationError,
  AgentThrottledError,
  AgentUnavailableError,
  InvokerError,
} from '../domain/errors';
import {
  type ContentBlock,
  ModelCallAbortedError,
  type ModelMessage,
  type ModelPort,
  type ModelRequest,
  type ModelResponse,
  type ModelUsage,
  StopReason,
} from '../domain/model';
import {
  abortion,
  asError,
  assembleTurn,
  estimateTokens,
  type PendingBlock,
  stopReasonOf,
} from './streamed-turn';

/**
 * The Messages API version this client speaks (`anthropic-version`): the one
 * `@anthropic-ai/sdk` 1.x sends. Its breaking changes over 2023-06-01 (no
 * temperature / top_p / top_k, no document blocks in assistant turns, no
 * citations in user text) touch nothing this adapter sends.
 */
export const ANTHROPIC_API_VERSION = '2026-10-21';
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicModelOptions {
  /**
   * The API key, asked for on every call (the handler passes a function over
   * core's SecretStore, which caches it per container). Never logged.
   */
  apiKey: () => Promise<string>;
  /** Default https://api.anthropic.com; tests and the local stack (ANTHROPIC_BASE_URL) point it elsewhere. */
  baseUrl?: string;
  /** Defaults to the global fetch (Node 20's undici). */
  fetch?: typeof fetch;
}

// Wire shapes of the Messages API, only the fields this adapter writes or reads.
type CacheControl = { type: 'ephemeral' };
type AnthropicBlock =
  | { type: 'text'; text: string; cache_control?: CacheControl }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error: boolean };

export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  stream: true;
  system?: Array<{ type: 'text'; text: string; cache_control: CacheControl }>;
  tools?: Array<{
    name: string;
    description: string;
    input_schema: Record<string, unknown>;
    cache_control?: CacheControl;
  }>;
  messages: Array<{ role: 'user' | 'assistant'; content: AnthropicBlock[] }>;
}

interface WireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

const EPHEMERAL: CacheControl = { type: 'ephemeral' };
/** The API rejects empty text blocks; an empty turn or tool output is replayed as this. */
const EMPTY_TEXT = '(empty)';

const toAnthropicBlock = (block: ContentBlock): AnthropicBlock | undefined => {
  switch (block.type) {
    case 'text':
      return block.text.trim() === '' ? undefined : { type: 'text', text: block.text };
    case 'toolUse':
      // Unparseable input (the raw string the loop answered with an error) is replayed
      // as {}: the API accepts only an object, and the error result quotes the text.
      return {
        type: 'tool_use',
        id: block.id,
        name: block.name,
        input: isPlainObject(block.input) ? block.input : {},
      };
    case 'toolResult':
      return {
        type: 'tool_result',
        tool_use_id: block.toolUseId,
        content: block.content === '' ? EMPTY_TEXT : block.content,
        is_error: block.isError,
      };
  }
};

const toAnthropicMessage = (message: ModelMessage): AnthropicRequestBody['messages'][number] => {
  const blocks = message.content.flatMap((block) => toAnthropicBlock(block) ?? []);
  // Tool results must open the user turn that carries them (text such as a nudge follows).
  const content = [
    ...blocks.filter((block) => block.type === 'tool_result'),
    ...blocks.filter((block) => block.type !== 'tool_result'),
  ];
  return {
    role: message.role,
    content: content.length === 0 ? [{ type: 'text', text: EMPTY_TEXT }] : content,
  };
};

/**
 * The Messages API request of a model call, streamed: cache_control on the
 * system prompt and on the last tool (the tools and the instructions are the
 * same on every call of a step, so they are read from the cache after the first).
 */
export const toAnthropicRequest = (request: ModelRequest): AnthropicRequestBody => ({
  model: request.modelId,
  max_tokens: request.maxOutputTokens,
  stream: true,
  ...(request.system.trim() === ''
    ? {}
    : { system: [{ type: 'text' as const, text: request.system, cache_control: EPHEMERAL }] }),
  ...(request.tools.length === 0
    ? {}
    : {
        tools: request.tools.map((tool, i) => ({
          name: tool.name,
          description: tool.description,
          input_schema: tool.inputSchema,
          ...(i === request.tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
        })),
      }),
  messages: request.messages.map(toAnthropicMessage),
});

const STOP_REASONS: Readonly<Record<string, StopReason>> = {
  end_turn: StopReason.EndTurn,
  tool_use: StopReason.ToolUse,
  max_tokens: StopReason.MaxTokens,
  stop_sequence: StopReason.StopSequence,
  refusal: StopReason.ContentFiltered,
  // The context window filled up mid-answer: a cut-off turn; this call's usage makes the loop compact next.
  model_context_window_exceeded: StopReason.MaxTokens,
};

/** Unknown stop reasons (pause_turn is for server tools we do not use): see stopReasonOf. */
const toStopReason = (raw: string, hasToolUse: boolean): StopReason =>
  stopReasonOf(STOP_REASONS, raw, hasToolUse);

const THROTTLED_TYPES = new Set(['rate_limit_error', 'overloaded_error']);
const TRANSIENT_TYPES = new Set(['api_error', 'timeout_error']);

/**
 * An API failure → the invoker's named errors: 429 and 529 (overloaded) are
 * throttling, 408/409 and 5xx are transient, any other 4xx (bad request, key,
 * permission, unknown model) cannot be fixed by retrying.
 */
export const mapAnthropicError = (status: number | undefined, type: string, message: string): Error => {
  const text = `Anthropic Messages API failed: ${status === undefined ? 'in-stream' : `HTTP ${status}`} ${type}${message === '' ? '' : `: ${message}`}`;
  if (status === 429 || status === 529 || THROTTLED_TYPES.has(type)) return new AgentThrottledError(text);
  if (
    status === 408 ||
    status === 409 ||
    (status !== undefined && status >= 500) ||
    TRANSIENT_TYPES.has(type)
  )
    return new AgentUnavailableError(text);
  return new AgentInvocationError(text);
};

/** `{"type":"error","error":{"type","message"}}`, or whatever the body was. */
const parseErrorBody = (body: string): { type: string; message: string } => {
  try {
    const parsed = JSON.parse(body) as { error?: { type?: unknown; message?: unknown } };
    return {
      type: typeof parsed.error?.type === 'string' ? parsed.error.type : 'error',
      message: typeof parsed.error?.message === 'string' ? parsed.error.message : '',
    };
  } catch {
    return { type: 'error', message: body.slice(0, 300) };
  }
};

/** A failure loading the key: retryable only if the secret store was throttled or down. */
const mapKeyError = (error: unknown): Error => {
  if (error instanceof InvokerError) return error;
  const err = asError(error);
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const message = `could not load the Anthropic API key: ${err.name}: ${err.message}`;
  if (err.name === 'ThrottlingException' || status === 429) return new AgentThrottledError(message, err);
  if (status !== undefined && status >= 500) return new AgentUnavailableError(message, err);
  return new AgentInvocationError(message, err);
};

interface ServerSentEvent {
  event: string;
  data: string;
}

/** Server-sent events of a response body (named events, `data:` lines, blank-line separated). */
async function* readEvents(
  body: ReadableStream<Uint8Array>,
  aborted: Promise<never>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const line = function* (text: string): Generator<ServerSentEvent> {
    if (text === '') {
      if (data.length > 0) yield { event: event === '' ? 'message' : event, data: data.join('\n') };
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  try {
    for (;;) {
      // Raced with the signal: a stalled stream must not outlive the deadline.
      const chunk = await Promise.race([reader.read(), aborted]);
      buffer += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone trailing \r may be the first half of \r\n: wait for the next chunk.
        if (match === null || (match[0] === '\r' && match.index === buffer.length - 1 && !chunk.done)) break;
        const text = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        yield* line(text);
      }
      if (chunk.done) {
        if (buffer !== '') yield* line(buffer);
        yield* line('');
        return;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

const count = (value: number | null | undefined): number => (typeof value === 'number' ? value : 0);

/**
 * The model port over the Anthropic Messages API, streamed (long tool-use turns
 * exceed what the API allows without streaming), with a small fetch client
 * instead of `@anthropic-ai/sdk` (see the package README, "Dependencies").
 * Failures become AgentThrottled / AgentUnavailable / AgentInvocationFailed; an
 * aborted request signal becomes ModelCallAbortedError with the usage so far.
 * No retries here: the state machine retries by error name.
 */
export class AnthropicModel implements ModelPort {
  private readonly url: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: AnthropicModelOptions) {
    this.url = `${(options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '')}/v1/messages`;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async converse(request: ModelRequest): Promise<ModelResponse> {
    const { signal } = request;
    const body = JSON.stringify(toAnthropicRequest(request));
    // Usage of an aborted call. message_start carries the real input and cache
    // counts, so after it only the output is estimated (streamed text and tool-input
    // chars / 4, or the API's own count if larger). Before it: input ≈ request chars / 4
    // once the API answered (the prompt is processed, and billed, before the first
    // token; all of it counted as uncached input, which over- rather than
    // under-spends the budget), 0 when the abort came before any answer.
    let accepted = false;
    let streamedChars = 0;
    let started: WireUsage | undefined;
    let latest: WireUsage = {};
    const usageSoFar = (): ModelUsage => ({
      inputTokens:
        started === undefined ? (accepted ? estimateTokens(body.length) : 0) : count(latest.input_tokens),
      outputTokens: Math.max(count(latest.output_tokens), estimateTokens(streamedChars)),
      cacheReadTokens: count(latest.cache_read_input_tokens),
      cacheWriteTokens: count(latest.cache_creation_input_tokens),
    });
    if (signal.aborted) throw new ModelCallAbortedError(usageSoFar(), signal.reason);

    let apiKey: string;
    try {
      apiKey = await this.options.apiKey();
    } catch (error) {
      throw mapKeyError(error);
    }
    const aborted = abortion(signal);
    const blocks = new Map<number, PendingBlock>();
    let stopReason: string | undefined;
    let stopped = false;
    try {
      const response = await Promise.race([
        this.fetch(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'text/event-stream',
            'x-api-key': apiKey,
            'anthropic-version': ANTHROPIC_API_VERSION,
          },
          body,
          signal,
        }),
        aborted,
      ]);
      accepted = true;
      if (!response.ok) {
        const text = await Promise.race([response.text(), aborted]);
        const { type, message } = parseErrorBody(text);
        const requestId = response.headers.get('request-id');
        throw mapAnthropicError(
          response.status,
          type,
          `${message}${requestId === null ? '' : ` (request-id ${requestId})`}`,
        );
      }
      if (response.body === null) throw new AgentUnavailableError('Anthropic Messages API returned no body');
      for await (const { event, data } of readEvents(response.body, aborted)) {
        if (event === 'ping') continue;
        const payload = JSON.parse(data) as Record<string, unknown>;
        switch (event) {
          case 'message_start': {
            const usage = (payload.message as { usage?: WireUsage } | undefined)?.usage ?? {};
            started = usage;
            latest = { ...usage };
            break;
          }
          case 'content_block_start': {
            const index = Number(payload.index ?? 0);
            const block = payload.content_block as {
              type?: string;
              text?: string;
              id?: string;
              name?: string;
            };
            if (block?.type === 'text') blocks.set(index, { type: 'text', text: block.text ?? '' });
            else if (block?.type === 'tool_use')
              blocks.set(index, { type: 'toolUse', id: block.id ?? '', name: block.name ?? '', json: '' });
            break;
          }
          case 'content_block_delta': {
            const block = blocks.get(Number(payload.index ?? 0));
            const delta = payload.delta as { type?: string; text?: string; partial_json?: string };
            if (delta?.type === 'text_delta' && block?.type === 'text') {
              block.text += delta.text ?? '';
              streamedChars += (delta.text ?? '').length;
            } else if (delta?.type === 'input_json_delta' && block?.type === 'toolUse') {
              block.json += delta.partial_json ?? '';
              streamedChars += (delta.partial_json ?? '').length;
            }
            break;
          }
          case 'message_delta': {
            const reason = (payload.delta as { stop_reason?: string | null } | undefined)?.stop_reason;
            if (typeof reason === 'string') stopReason = reason;
            // Counts here are cumulative; null means "unchanged".
            for (const [key, value] of Object.entries((payload.usage as WireUsage | undefined) ?? {}))
              if (typeof value === 'number') (latest as Record<string, number>)[key] = value;
            break;
          }
          case 'message_stop':
            stopped = true;
            break;
          case 'error': {
            const { type, message } = parseErrorBody(data);
            throw mapAnthropicError(undefined, type, message);
          }
        }
      }
      if (signal.aborted) throw signal.reason;
    } catch (error) {
      if (signal.aborted) throw new ModelCallAbortedError(usageSoFar(), signal.reason);
      if (error instanceof InvokerError) throw error;
      const err = asError(error);
      const cause = (err.cause as { code?: string } | undefined)?.code;
      throw new AgentUnavailableError(
        `Anthropic Messages API failed: ${err.name}: ${err.message}${cause === undefined ? '' : ` (${cause})`}`,
        err,
      );
    }
    if (!stopped || stopReason === undefined)
      throw new AgentUnavailableError('Anthropic Messages API stream ended before message_stop');
    const content = assembleTurn(blocks);
    return {
      content,
      stopReason: toStopReason(
        stopReason,
        content.some((block) => block.type === 'toolUse'),
      ),
      usage: {
        inputTokens: count(latest.input_tokens),
        outputTokens: count(latest.output_tokens),
        cacheReadTokens: count(latest.cache_read_input_tokens),
        cacheWriteTokens: count(latest.cache_creation_input_tokens),
      },
    };
  }
}
