/**
 * The model port of our own agent loop: a conversation and tool specs in, one
 * assistant turn out. Adapters: Bedrock ConverseStream (default), the Anthropic
 * Messages API, and the scripted model of tests and the local stack. Shapes
 * follow Converse's (text / toolUse / toolResult blocks) because it is the
 * default provider; the Anthropic adapter maps them.
 */

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'toolUse';
  /** Id the model gave the call; the result must quote it. */
  id: string;
  /** Tool name ([a-zA-Z0-9_-]{1,64}). */
  name: string;
  /** The arguments as the model produced them (an object when the model followed the schema). */
  input: unknown;
}

export interface ToolResultBlock {
  type: 'toolResult';
  toolUseId: string;
  /** What the tool answered, as text (JSON for action groups). */
  content: string;
  /** A refused or failed call: the model sees it and may try something else. */
  isError: boolean;
}

export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock;

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

/** A tool the model may call: an action-group operation. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  inputSchema: Record<string, unknown>;
}

/** Why the model stopped (Converse's stop reasons, mapped by each adapter). */
export const StopReason = {
  EndTurn: 'end_turn',
  ToolUse: 'tool_use',
  MaxTokens: 'max_tokens',
  StopSequence: 'stop_sequence',
  ContentFiltered: 'content_filtered',
  GuardrailIntervened: 'guardrail_intervened',
} as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/** Tokens of one model call. Cache reads and writes are billed apart from plain input. */
export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export const ZERO_MODEL_USAGE: ModelUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
};

export interface ModelRequest {
  /** Model or inference profile id (Bedrock) or model name (Anthropic). */
  modelId: string;
  /** System prompt: the agent's instructions. Cached with the tools. */
  system: string;
  messages: readonly ModelMessage[];
  tools: readonly ToolSpec[];
  maxOutputTokens: number;
  /** Aborted on the Lambda deadline or a budget stop; the adapter must stop reading and throw. */
  signal: AbortSignal;
  /** Conversation id (task, run, agent): lets scripted models and logs tell conversations apart. */
  conversationId: string;
  /** The agent whose step this is (logs, scripted models). */
  agent?: string;
  /** `summary`: the loop asks for a summary to restart from (no tool calls expected). */
  purpose?: 'turn' | 'summary';
}

export interface ModelResponse {
  /** The assistant turn: text and toolUse blocks, in the order the model produced them. */
  content: Array<TextBlock | ToolUseBlock>;
  stopReason: StopReason;
  usage: ModelUsage;
}

/**
 * One model call. Adapters throw the invoker's named errors (AgentThrottled,
 * AgentUnavailable, AgentInvocationFailed) so the state machine's Retry/Catch apply.
 * When `signal` aborts mid-call, they throw `ModelCallAbortedError` carrying the
 * usage seen so far, so a stopped call is still recorded.
 */
export interface ModelPort {
  converse(request: ModelRequest): Promise<ModelResponse>;
}

/** Thrown by adapters when the request's signal aborted the call; `usage` is what was consumed before. */
export class ModelCallAbortedError extends Error {
  constructor(
    readonly usage: ModelUsage,
    readonly reason: unknown,
  ) {
    super('model call aborted');
    this.name = 'ModelCallAborted';
  }
}
