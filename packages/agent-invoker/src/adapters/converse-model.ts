import {
  type BedrockRuntimeClient,
  type ContentBlock as ConverseContentBlock,
  type Message as ConverseMessage,
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
  type ToolUseBlock as ConverseToolUseBlock,
  type SystemContentBlock,
  type TokenUsage,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { isPlainObject } from '@enterprise-agents/core/util';
import { AgentUnavailableError } from '../domain/errors';
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
import { mapAwsError } from './aws-errors';
import { abortion, assembleTurn, estimateTokens, type PendingBlock, stopReasonOf } from './streamed-turn';

/** Maps a ConverseStream failure to the invoker's named errors. */
export const mapConverseError = (error: unknown): Error => mapAwsError('Bedrock ConverseStream', error);

const CACHE_POINT = { type: 'default' } as const;
/** Converse rejects blank text blocks; an empty turn or tool output is replayed as this. */
const EMPTY_TEXT = '(empty)';

const toConverseBlock = (block: ContentBlock): ConverseContentBlock | undefined => {
  switch (block.type) {
    case 'text':
      return block.text.trim() === '' ? undefined : { text: block.text };
    case 'toolUse':
      return {
        toolUse: {
          toolUseId: block.id,
          name: block.name,
          // Unparseable input (kept as the raw string for the loop's error result) is
          // replayed as {}: the model API accepts only an object here, and the error
          // result that follows already quotes what the model wrote.
          input: (isPlainObject(block.input) ? block.input : {}) as ConverseToolUseBlock['input'],
        },
      };
    case 'toolResult':
      return {
        toolResult: {
          toolUseId: block.toolUseId,
          content: [{ text: block.content === '' ? EMPTY_TEXT : block.content }],
          status: block.isError ? 'error' : 'success',
        },
      };
  }
};

const toConverseMessage = (message: ModelMessage): ConverseMessage => {
  const blocks = message.content.flatMap((block) => toConverseBlock(block) ?? []);
  // Tool results must open the user turn that carries them (Claude's rule; text such as a nudge follows).
  const content = [
    ...blocks.filter((block) => block.toolResult !== undefined),
    ...blocks.filter((block) => block.toolResult === undefined),
  ];
  return { role: message.role, content: content.length === 0 ? [{ text: EMPTY_TEXT }] : content };
};

/**
 * The ConverseStream request of a model call: the system prompt and the tools
 * each followed by a cache point (prompt caching: the agent's instructions and
 * its tool schemas are the same on every call of a step), the conversation, and
 * the output token cap.
 */
export const toConverseRequest = (request: ModelRequest): ConverseStreamCommandInput => {
  const system: SystemContentBlock[] =
    request.system.trim() === '' ? [] : [{ text: request.system }, { cachePoint: CACHE_POINT }];
  const tools: Tool[] = request.tools.map((tool) => ({
    toolSpec: {
      name: tool.name,
      description: tool.description,
      inputSchema: { json: tool.inputSchema as NonNullable<ConverseToolUseBlock['input']> },
    },
  }));
  return {
    modelId: request.modelId,
    ...(system.length === 0 ? {} : { system }),
    messages: request.messages.map(toConverseMessage),
    // No tools, no toolConfig: a configuration with only a cache point is invalid.
    ...(tools.length === 0 ? {} : { toolConfig: { tools: [...tools, { cachePoint: CACHE_POINT }] } }),
    inferenceConfig: { maxTokens: request.maxOutputTokens },
  };
};

const STOP_REASONS: Readonly<Record<string, StopReason>> = {
  end_turn: StopReason.EndTurn,
  tool_use: StopReason.ToolUse,
  max_tokens: StopReason.MaxTokens,
  stop_sequence: StopReason.StopSequence,
  content_filtered: StopReason.ContentFiltered,
  guardrail_intervened: StopReason.GuardrailIntervened,
  // The context window filled up mid-answer: a cut-off turn like max_tokens; the
  // usage of this call then makes the loop compact before its next call.
  model_context_window_exceeded: StopReason.MaxTokens,
};

/** A ConverseStream stop reason in the port's terms (see stopReasonOf for unknown ones). */
export const toStopReason = (raw: string, hasToolUse: boolean): StopReason =>
  stopReasonOf(STOP_REASONS, raw, hasToolUse);

const STREAM_EXCEPTIONS = [
  'internalServerException',
  'modelStreamErrorException',
  'serviceUnavailableException',
  'throttlingException',
  'validationException',
] as const;

/**
 * The model port over Bedrock ConverseStream: one assistant turn per call, read
 * from the event stream (text deltas, tool-use blocks whose JSON input arrives in
 * fragments, the stop reason, then usage with cache reads and writes). Failures
 * become AgentThrottled / AgentUnavailable / AgentInvocationFailed; an aborted
 * request signal becomes ModelCallAbortedError with the usage consumed so far.
 */
export class ConverseModel implements ModelPort {
  constructor(private readonly client: BedrockRuntimeClient) {}

  async converse(request: ModelRequest): Promise<ModelResponse> {
    const input = toConverseRequest(request);
    const { signal } = request;
    // Usage when the call is aborted before Bedrock's metadata event (it comes last):
    // input ≈ the serialized request's chars / 4 once Bedrock accepted the request (the
    // prompt is processed, and billed, before the first token; all of it counted as
    // uncached input, which over- rather than under-spends the budget), 0 if the abort
    // came before the response; output ≈ streamed text and tool-input chars / 4.
    let accepted = false;
    let streamedChars = 0;
    let usage: TokenUsage | undefined;
    const usageSoFar = (): ModelUsage =>
      usage !== undefined
        ? toModelUsage(usage)
        : {
            inputTokens: accepted ? estimateTokens(JSON.stringify(input).length) : 0,
            outputTokens: estimateTokens(streamedChars),
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
          };
    if (signal.aborted) throw new ModelCallAbortedError(usageSoFar(), signal.reason);

    const aborted = abortion(signal);
    const blocks = new Map<number, PendingBlock>();
    let stopReason: string | undefined;
    let iterator: AsyncIterator<ConverseStreamOutput> | undefined;
    try {
      const response = await Promise.race([
        this.client.send(new ConverseStreamCommand(input), { abortSignal: signal }),
        aborted,
      ]);
      accepted = true;
      if (response.stream === undefined)
        throw new AgentUnavailableError('Bedrock ConverseStream returned no event stream');
      iterator = response.stream[Symbol.asyncIterator]();
      for (;;) {
        // Raced with the signal: a stalled stream must not outlive the deadline.
        const next = await Promise.race([iterator.next(), aborted]);
        // An aborted HTTP/2 stream can also just end: that is an abort, not a short answer.
        if (next.done === true) {
          if (signal.aborted) throw signal.reason;
          break;
        }
        const event = next.value;
        for (const key of STREAM_EXCEPTIONS) {
          const exception = event[key];
          if (exception !== undefined) {
            const name = `${key[0]?.toUpperCase()}${key.slice(1)}`;
            throw Object.assign(new Error(exception.message ?? name), { name });
          }
        }
        if (event.contentBlockStart !== undefined) {
          const { start, contentBlockIndex = 0 } = event.contentBlockStart;
          if (start?.toolUse !== undefined)
            blocks.set(contentBlockIndex, {
              type: 'toolUse',
              id: start.toolUse.toolUseId ?? '',
              name: start.toolUse.name ?? '',
              json: '',
            });
        } else if (event.contentBlockDelta !== undefined) {
          const { delta, contentBlockIndex = 0 } = event.contentBlockDelta;
          const block = blocks.get(contentBlockIndex);
          if (delta?.text !== undefined) {
            streamedChars += delta.text.length;
            if (block?.type === 'text') block.text += delta.text;
            else blocks.set(contentBlockIndex, { type: 'text', text: delta.text });
          } else if (delta?.toolUse !== undefined) {
            const fragment = delta.toolUse.input ?? '';
            streamedChars += fragment.length;
            if (block?.type !== 'toolUse')
              throw new AgentUnavailableError(
                `Bedrock ConverseStream sent tool input for block ${contentBlockIndex} without its start`,
              );
            block.json += fragment;
          }
          // Reasoning and citation deltas are not requested, so not kept.
        } else if (event.messageStop !== undefined) {
          stopReason = event.messageStop.stopReason ?? undefined;
        } else if (event.metadata?.usage !== undefined) {
          usage = event.metadata.usage;
        }
      }
    } catch (error) {
      if (signal.aborted) {
        void iterator?.return?.().catch(() => undefined);
        throw new ModelCallAbortedError(usageSoFar(), signal.reason);
      }
      throw mapConverseError(error);
    }
    if (stopReason === undefined)
      throw new AgentUnavailableError('Bedrock ConverseStream ended before messageStop');
    const content = assembleTurn(blocks);
    return {
      content,
      stopReason: toStopReason(
        stopReason,
        content.some((block) => block.type === 'toolUse'),
      ),
      usage: usage === undefined ? usageSoFar() : toModelUsage(usage),
    };
  }
}

/** Converse usage → the port's: inputTokens there already excludes cache reads and writes. */
const toModelUsage = (usage: TokenUsage): ModelUsage => ({
  inputTokens: usage.inputTokens ?? 0,
  outputTokens: usage.outputTokens ?? 0,
  cacheReadTokens: usage.cacheReadInputTokens ?? 0,
  cacheWriteTokens: usage.cacheWriteInputTokens ?? 0,
});
