import { AgentName } from '@enterprise-agents/core/domain';
import { AgentInvocationError, AgentThrottledError } from '../domain/errors';
import {
  type ContentBlock,
  type ModelMessage,
  type ModelPort,
  type ModelRequest,
  type ModelResponse,
  type ModelUsage,
  StopReason,
  type ToolResultBlock,
  type ToolUseBlock,
} from '../domain/model';
import { toolsFor } from '../domain/tools';

/** What a tool call returned, as the script sees it. */
export interface ToolResult {
  status: number;
  body: unknown;
}

/** What a script sees of the step it plays. */
export interface ScriptInvocation {
  agent: AgentName;
  /** The conversation id (`<taskId>-r<runId>-<agent>`). */
  sessionId: string;
  /** The user message this run of the script answers: the step's prompt, or a correction. */
  prompt: string;
}

/** What a script can do: call tools the way a model would, fail like a throttled model. */
export interface ScriptContext {
  readonly invocation: ScriptInvocation;
  /** How many prompts (steps and corrections) this agent has answered in this model so far (1 = first). */
  readonly call: number;
  /**
   * Calls an action-group operation: the model emits a tool-use block; the loop
   * dispatches it to the real action-group handler and the result comes back in
   * the next request, where the script resumes.
   */
  tool(
    actionGroup: string,
    method: string,
    apiPath: string,
    args?: Record<string, unknown>,
  ): Promise<ToolResult>;
  /** Fails this model call the way a throttled Bedrock call does. */
  throttle(): never;
}

/** A script returns the final answer text (thoughts, then the JSON result). */
export type AgentScript = (ctx: ScriptContext) => Promise<string>;

export interface ScriptedModelOptions {
  /** Scripts per agent; a list is consumed one per prompt, its last entry repeating. */
  scripts: Partial<Record<AgentName, AgentScript | AgentScript[]>>;
  /** Tokens of a model call; by default they grow with the conversation like a real one. */
  usage?: (request: ModelRequest) => ModelUsage;
}

/** Tokens of a call like Claude's: the cached prefix (system + tools), a growing conversation, a short answer. */
export const realisticUsage = (request: ModelRequest): ModelUsage => {
  const prefix = Math.ceil((request.system.length + JSON.stringify(request.tools).length) / 4);
  const conversation = Math.ceil(JSON.stringify(request.messages).length / 4);
  const first = request.messages.length <= 1;
  return {
    inputTokens: conversation,
    outputTokens: 150,
    cacheReadTokens: first ? 0 : prefix,
    cacheWriteTokens: first ? prefix : 0,
  };
};

const PROGRESS_OPEN = '<scripted-progress>';
const PROGRESS_CLOSE = '</scripted-progress>';

interface Progress {
  prompt: string;
  call: number;
  results: ToolResult[];
}

const parseResult = (block: ToolResultBlock): ToolResult => {
  const http = /^HTTP (\d{3}): ([\s\S]*)$/.exec(block.content);
  const raw = http?.[2] ?? block.content;
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // Not JSON (an error note): the script sees the text, as a model would.
  }
  const status = http?.[1] === undefined ? (block.isError ? 500 : 200) : Number(http[1]);
  return { status, body };
};

const textOf = (message: ModelMessage | undefined): string =>
  (message?.content ?? [])
    .filter((b): b is Extract<ContentBlock, { type: 'text' }> => b.type === 'text')
    .map((b) => b.text)
    .join('\n');

const argsEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * A deterministic model for tests and the local stack. Each script is an
 * ordinary async function that calls tools and returns its answer; the model
 * REPLAYS it on every request against the tool results already in the
 * conversation, and answers with the script's next tool call, or with its final
 * text. It keeps no state a restart would lose: a step resumed from the stored
 * conversation, in another process, replays to the same point.
 */
export class ScriptedModel implements ModelPort {
  /** Every prompt answered, in order (one entry per step prompt or correction). */
  readonly invocations: ScriptInvocation[] = [];
  /** Every tool call the scripts made whose result came back, with its status. */
  readonly toolCalls: {
    agent: AgentName;
    actionGroup: string;
    method: string;
    apiPath: string;
    status: number;
  }[] = [];
  /** Model calls made. */
  calls = 0;
  private readonly callNumbers = new Map<string, number>();
  private readonly counters = new Map<AgentName, number>();
  private readonly seenResults = new Set<string>();
  private readonly toolNames = new Map<string, { actionGroup: string; method: string; apiPath: string }>();

  constructor(private readonly options: ScriptedModelOptions) {
    for (const agent of Object.values(AgentName))
      for (const tool of toolsFor(agent))
        this.toolNames.set(`${agent}:${tool.spec.name}`, {
          actionGroup: tool.actionGroup,
          method: tool.httpMethod,
          apiPath: tool.apiPath,
        });
  }

  async converse(request: ModelRequest): Promise<ModelResponse> {
    this.calls += 1;
    const agent = this.agentOf(request);
    const usage = (this.options.usage ?? realisticUsage)(request);
    if (request.purpose === 'summary') return this.summary(request, usage);

    // The anchor: the latest user message with text (a prompt, a correction, a summary restart).
    const anchorIndex = request.messages.findLastIndex(
      (m) => m.role === 'user' && m.content.some((b) => b.type === 'text'),
    );
    const anchor = request.messages[anchorIndex];
    if (anchor === undefined)
      throw new AgentInvocationError('scripted model: no user prompt in the conversation');
    const progress = this.progressOf(textOf(anchor));
    const prompt = progress?.prompt ?? textOf(anchor);
    const anchorKey = `${request.conversationId}#${anchorIndex}`;
    let call = progress?.call ?? this.callNumbers.get(anchorKey);
    if (call === undefined) {
      call = (this.counters.get(agent) ?? 0) + 1;
      this.counters.set(agent, call);
      this.callNumbers.set(anchorKey, call);
      this.invocations.push({ agent, sessionId: request.conversationId, prompt });
    }

    // Tool calls after the anchor and their results, in order.
    const after = request.messages.slice(anchorIndex + 1);
    const results = new Map<string, ToolResultBlock>();
    for (const message of [anchor, ...after])
      for (const block of message.content)
        if (block.type === 'toolResult') results.set(block.toolUseId, block);
    const replay: { use: ToolUseBlock; result: ToolResult }[] = [];
    for (const message of after)
      for (const block of message.content) {
        if (block.type !== 'toolUse') continue;
        const result = results.get(block.id);
        if (result === undefined) continue;
        const parsed = parseResult(result);
        replay.push({ use: block, result: parsed });
        this.noteToolCall(agent, block, parsed);
      }
    const recorded = [...(progress?.results ?? []), ...replay.map((r) => r.result)];
    const skip = progress?.results.length ?? 0;

    const scripts = this.options.scripts[agent];
    const list = Array.isArray(scripts) ? scripts : scripts === undefined ? [] : [scripts];
    const script = list[Math.min(call, list.length) - 1];
    if (script === undefined) throw new AgentInvocationError(`no script for the ${agent} agent`);

    let next: ToolUseBlock | undefined;
    let index = 0;
    let stop: () => void = () => {};
    const stopped = new Promise<undefined>((resolve) => {
      stop = () => resolve(undefined);
    });
    const ctx: ScriptContext = {
      invocation: { agent, sessionId: request.conversationId, prompt },
      call,
      throttle: () => {
        throw new AgentThrottledError(
          'Bedrock ConverseStream failed: ThrottlingException: Too many requests',
        );
      },
      tool: (actionGroup, method, apiPath, args = {}) => {
        const position = index;
        index += 1;
        const input = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
        const name = this.toolName(request, agent, actionGroup, method, apiPath);
        if (position < recorded.length) {
          const replayed = position >= skip ? replay[position - skip] : undefined;
          if (replayed !== undefined && (replayed.use.name !== name || !argsEqual(replayed.use.input, input)))
            return Promise.reject(
              new AgentInvocationError(
                `scripted model: the ${agent} script diverged from its conversation at tool call ${position + 1}`,
              ),
            );
          return Promise.resolve(recorded[position] as ToolResult);
        }
        next = {
          type: 'toolUse',
          id: `tooluse_${request.conversationId.slice(-12)}_${call}_${position + 1}`,
          name,
          input,
        };
        stop();
        // The script waits here for good: the next request replays it past this call.
        return new Promise<ToolResult>(() => {});
      },
    };
    let text: string | undefined;
    try {
      text = await Promise.race([script(ctx), stopped]);
    } catch (error) {
      // A throttled call produced nothing: the retry is a new model call, playing the next script of the list.
      if (error instanceof AgentThrottledError) this.callNumbers.delete(anchorKey);
      throw error;
    }
    if (next !== undefined)
      return {
        content: [{ type: 'text', text: 'Calling a tool.' }, next],
        stopReason: StopReason.ToolUse,
        usage,
      };
    return { content: [{ type: 'text', text: text ?? '' }], stopReason: StopReason.EndTurn, usage };
  }

  /** A summary the scripted model can resume from: the prompt and every tool result so far, as data. */
  private summary(request: ModelRequest, usage: ModelUsage): ModelResponse {
    const anchorIndex = request.messages.findLastIndex(
      (m) =>
        m.role === 'user' && m.content.some((b) => b.type === 'text' && !b.text.startsWith('Stop working')),
    );
    const anchor = request.messages[anchorIndex];
    const previous = this.progressOf(textOf(anchor));
    const results: ToolResult[] = [...(previous?.results ?? [])];
    const byId = new Map<string, ToolResultBlock>();
    for (const message of request.messages)
      for (const block of message.content) if (block.type === 'toolResult') byId.set(block.toolUseId, block);
    for (const message of request.messages.slice(anchorIndex + 1))
      for (const block of message.content)
        if (block.type === 'toolUse') {
          const result = byId.get(block.id);
          if (result !== undefined) results.push(parseResult(result));
        }
    const prompt = previous?.prompt ?? textOf(anchor).split('\n\n## Progress so far')[0] ?? '';
    const call = previous?.call ?? this.callNumbers.get(`${request.conversationId}#${anchorIndex}`) ?? 1;
    const progress: Progress = { prompt, call, results };
    const text = `I made ${results.length} tool call(s) so far. ${PROGRESS_OPEN}${JSON.stringify(progress)}${PROGRESS_CLOSE}`;
    return { content: [{ type: 'text', text }], stopReason: StopReason.EndTurn, usage };
  }

  private progressOf(text: string): Progress | undefined {
    const start = text.indexOf(PROGRESS_OPEN);
    const end = text.indexOf(PROGRESS_CLOSE);
    if (start === -1 || end === -1) return undefined;
    return JSON.parse(text.slice(start + PROGRESS_OPEN.length, end)) as Progress;
  }

  private agentOf(request: ModelRequest): AgentName {
    const agent = (Object.values(AgentName) as string[]).includes(request.agent ?? '')
      ? (request.agent as AgentName)
      : (Object.values(AgentName).find((name) => request.conversationId.endsWith(`-${name}`)) ?? undefined);
    if (agent === undefined) throw new AgentInvocationError('scripted model: the request names no agent');
    return agent;
  }

  private toolName(
    request: ModelRequest,
    agent: AgentName,
    actionGroup: string,
    method: string,
    apiPath: string,
  ): string {
    for (const { name } of request.tools) {
      const tool = this.toolNames.get(`${agent}:${name}`);
      if (
        tool?.actionGroup === actionGroup &&
        tool.method === method.toUpperCase() &&
        tool.apiPath === apiPath
      )
        return name;
    }
    // Not among this agent's tools: call it anyway, as a confused model would; the loop answers with an error.
    return `${actionGroup}_${method.toUpperCase()}_${apiPath}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  }

  private noteToolCall(agent: AgentName, use: ToolUseBlock, result: ToolResult): void {
    if (this.seenResults.has(use.id)) return;
    this.seenResults.add(use.id);
    const tool = this.toolNames.get(`${agent}:${use.name}`);
    this.toolCalls.push({
      agent,
      actionGroup: tool?.actionGroup ?? 'unknown',
      method: tool?.method ?? '?',
      apiPath: tool?.apiPath ?? use.name,
      status: result.status,
    });
  }
}
