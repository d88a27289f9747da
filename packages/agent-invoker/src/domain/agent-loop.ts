import type { ConversationStore, TimelineRepository } from '@enterprise-agents/core/db';
import type { AgentName } from '@enterprise-agents/core/domain';
import type { Logger } from '@enterprise-agents/core/logging';
import {
  currentSegment,
  decodeMessage,
  encodeBody,
  type LoopMessage,
  MAX_TOOL_RESULT_BYTES,
  MessageKind,
  textOf,
  toModelMessages,
  truncateText,
} from './conversation';
import { AgentInvocationError, AgentUnavailableError, InvalidAgentOutputError } from './errors';
import {
  type ContentBlock,
  ModelCallAbortedError,
  type ModelPort,
  type ModelResponse,
  type ModelUsage,
  StopReason,
  type ToolResultBlock,
  type ToolUseBlock,
} from './model';
import type { OutputCheck } from './output';
import type { ModelPrice } from './pricing';
import { type ActionGroupInvoker, type AgentTool, toActionGroupEvent } from './tools';

/** Prices and records model calls, and stops a step whose budget ran out. */
export interface UsageMeter {
  /** Throws BudgetExceededError when the task or the day has nothing left to spend. */
  ensureBudget(): Promise<void>;
  /** Records one model call (cost store, daily total, timeline); returns its USD. */
  record(call: ModelCallRecord): Promise<number>;
}

export interface ModelCallRecord {
  model: string;
  usage: ModelUsage;
  /** 1-based model call number within the step. */
  turn: number;
  /** Tools the call asked for. */
  tools: string[];
  /** Why the call is special (compaction, stopped at the deadline). */
  note?: string;
}

export interface LoopLimits {
  /** Model calls per step, continues included. */
  maxTurns: number;
  maxOutputTokens: number;
  /** Stop with "continue" when less than this remains of the invocation's time. */
  reserveMs: number;
  /** Compact when the last call's context reached this share of the window. */
  compactAt: number;
}

export const DEFAULT_COMPACT_AT = 0.7;

export interface LoopDeps {
  model: ModelPort;
  conversations: ConversationStore;
  /** Action-group handlers by action group name. */
  actionGroups: Readonly<Record<string, ActionGroupInvoker>>;
  meter: UsageMeter;
  timeline: TimelineRepository;
  logger: Logger;
  limits: LoopLimits;
}

/** One agent step as the loop runs it. */
export interface LoopStep {
  taskId: string;
  agent: AgentName;
  conversationId: string;
  /** Tells this step's messages from the earlier steps' of the same conversation (CI/CD fix attempts). */
  stepKey: string;
  modelId: string;
  price: ModelPrice;
  system: string;
  prompt: string;
  tools: readonly AgentTool[];
  sessionAttributes: Record<string, string>;
  /** The step's result check (schema + rules); invalid once → one correction, twice → InvalidAgentOutput. */
  validate(text: string): Promise<OutputCheck>;
  corrective(problems: readonly string[]): string;
  /** Milliseconds left of this invocation (Lambda context); Infinity outside Lambda. */
  remainingMs(): number;
}

export type LoopOutcome =
  | { status: 'done'; output: OutputCheck & { ok: true }; turns: number }
  | { status: 'continue'; turns: number; reason: string };

/** A model call is stopped this long before the invocation's end: time to run its tools, record and store. */
const ABORT_MARGIN_MS = 30_000;

const SUMMARY_REQUEST = [
  'Stop working for a moment: the conversation is about to exceed the context window and will be replaced by your summary.',
  'Write a summary that lets you continue without the earlier messages: what you were asked, what you have done',
  '(every branch, file, commit SHA, pull request and tool result that matters, verbatim), what you learned, and the',
  'exact next steps. Do not call tools. Do not write the final JSON result yet.',
].join(' ');

const usageContext = (usage: ModelUsage | undefined): number =>
  usage === undefined
    ? 0
    : usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens;

/**
 * Our own tool-use loop (README "The agent loop"): the model answers, its tool calls
 * go to the action groups with the event Bedrock Agents would send, results go
 * back, until it ends its turn with a result that validates. Every message is
 * stored as it happens; the budget is checked before and the usage recorded after
 * every model call; the step stops with "continue" before the invocation's
 * deadline; a crashed step resumes from what was stored; a full context restarts
 * from the model's own summary.
 */
export class AgentLoop {
  constructor(private readonly deps: LoopDeps) {}

  async run(step: LoopStep): Promise<LoopOutcome> {
    const { deps } = this;
    const log = deps.logger.child({ conversationId: step.conversationId });
    const byName = new Map(step.tools.map((tool) => [tool.spec.name, tool]));
    const stored = (await deps.conversations.load(step.taskId, step.conversationId)).map(decodeMessage);
    const append = async (
      message: Omit<LoopMessage, 'seq' | 'stepKey'> & { stepKey?: string },
    ): Promise<LoopMessage> => {
      const full: LoopMessage = { ...message, seq: (stored.at(-1)?.seq ?? 0) + 1, stepKey: step.stepKey };
      try {
        await deps.conversations.append(step.taskId, step.conversationId, {
          seq: full.seq,
          role: full.role,
          kind: full.kind,
          stepKey: full.stepKey,
          body: encodeBody(full),
        });
      } catch (error) {
        if ((error as Error).name === 'ConversationConflict')
          throw new AgentUnavailableError(
            `another invocation is writing conversation ${step.conversationId}; retrying resumes from what it stored`,
            error,
          );
        throw error;
      }
      stored.push(full);
      return full;
    };

    if (!stored.some((m) => m.stepKey === step.stepKey)) {
      await this.repairDangling(stored, append);
      await append({
        role: 'user',
        kind: MessageKind.Prompt,
        content: [{ type: 'text', text: step.prompt }],
      });
    }
    const ofStep = () => stored.filter((m) => m.stepKey === step.stepKey);
    const turnsSoFar = () => ofStep().filter((m) => m.kind === MessageKind.Turn).length;

    for (;;) {
      const last = stored.at(-1);
      if (last?.role === 'assistant') {
        const uses = last.content.filter((b): b is ToolUseBlock => b.type === 'toolUse');
        if (uses.length > 0) {
          // Stored turn, lost results: the invocation died while its tools ran.
          await this.repairDangling(stored, append);
          continue;
        }
        if (last.stopReason === StopReason.MaxTokens) {
          await append({
            role: 'user',
            kind: MessageKind.Nudge,
            content: [
              {
                type: 'text',
                text: 'Your reply was cut off at the output token limit. Continue where you stopped; keep each tool input and answer shorter.',
              },
            ],
          });
          continue;
        }
        const check = await step.validate(textOf(last.content));
        if (check.ok) return { status: 'done', output: check, turns: turnsSoFar() };
        const corrections = ofStep().filter((m) => m.kind === MessageKind.Correction).length;
        log.warn({ problems: check.problems, corrections }, 'agent output invalid');
        if (corrections >= 1) throw new InvalidAgentOutputError(step.agent, check.problems);
        await deps.timeline.append(step.taskId, {
          type: 'agent.invoked',
          message: `${step.agent} agent asked to correct its output`,
          data: { agent: step.agent, problems: check.problems.slice(0, 5) },
        });
        await append({
          role: 'user',
          kind: MessageKind.Correction,
          content: [{ type: 'text', text: step.corrective(check.problems) }],
        });
        continue;
      }

      // The model's move.
      const turn = turnsSoFar() + 1;
      if (turn > deps.limits.maxTurns)
        throw new AgentInvocationError(
          `the ${step.agent} agent used its ${deps.limits.maxTurns} model calls for this step without a result (AGENT_MAX_TURNS)`,
        );
      const remaining = step.remainingMs();
      if (remaining < deps.limits.reserveMs)
        return { status: 'continue', turns: turn - 1, reason: `${Math.round(remaining / 1000)} s left` };
      await deps.meter.ensureBudget();

      const segment = currentSegment(stored);
      const lastUsage = segment.findLast((m) => m.kind === MessageKind.Turn)?.usage;
      if (usageContext(lastUsage) >= deps.limits.compactAt * step.price.contextTokens && segment.length > 2) {
        await this.compact(step, segment, append, turn, log);
        continue;
      }

      const response = await this.call(step, segment, turn, remaining);
      if (response === undefined)
        return { status: 'continue', turns: turn, reason: 'stopped a model call at the deadline' };
      const uses = response.content.filter((b): b is ToolUseBlock => b.type === 'toolUse');
      await append({
        role: 'assistant',
        kind: MessageKind.Turn,
        content: response.content.length === 0 ? [{ type: 'text', text: '' }] : response.content,
        stopReason: response.stopReason,
        usage: response.usage,
      });
      if (
        response.stopReason === StopReason.ContentFiltered ||
        response.stopReason === StopReason.GuardrailIntervened
      )
        throw new AgentInvocationError(`the model stopped the ${step.agent} step: ${response.stopReason}`);
      if (uses.length === 0) continue;
      const results: ToolResultBlock[] = [];
      for (const use of uses) results.push(await this.dispatch(step, byName, use, log));
      await append({ role: 'user', kind: MessageKind.ToolResults, content: results });
    }
  }

  /** One model call; undefined when the deadline stopped it (its usage is recorded all the same). */
  private async call(
    step: LoopStep,
    segment: readonly LoopMessage[],
    turn: number,
    remaining: number,
    extra?: { text: string; maxOutputTokens: number },
  ): Promise<ModelResponse | undefined> {
    const { deps } = this;
    const budgetMs = remaining - ABORT_MARGIN_MS;
    const signal = Number.isFinite(budgetMs)
      ? AbortSignal.timeout(Math.max(1_000, budgetMs))
      : new AbortController().signal;
    const messages = toModelMessages(segment);
    if (extra !== undefined) {
      const lastMessage = messages.at(-1);
      const block: ContentBlock = { type: 'text', text: extra.text };
      if (lastMessage?.role === 'user') lastMessage.content = [...lastMessage.content, block];
      else messages.push({ role: 'user', content: [block] });
    }
    let response: ModelResponse;
    try {
      response = await deps.model.converse({
        modelId: step.modelId,
        system: step.system,
        messages,
        tools: step.tools.map((tool) => tool.spec),
        maxOutputTokens: extra?.maxOutputTokens ?? deps.limits.maxOutputTokens,
        signal,
        conversationId: step.conversationId,
        agent: step.agent,
        ...(extra === undefined ? {} : { purpose: 'summary' as const }),
      });
    } catch (error) {
      if (error instanceof ModelCallAbortedError) {
        await deps.meter.record({
          model: step.modelId,
          usage: error.usage,
          turn,
          tools: [],
          note: 'stopped at the invocation deadline',
        });
        return undefined;
      }
      throw error;
    }
    await deps.meter.record({
      model: step.modelId,
      usage: response.usage,
      turn,
      tools: response.content.filter((b): b is ToolUseBlock => b.type === 'toolUse').map((b) => b.name),
      ...(extra === undefined ? {} : { note: 'summary for a context restart' }),
    });
    return response;
  }

  /** Replaces the segment by the step's prompt and the model's own summary of the work so far. */
  private async compact(
    step: LoopStep,
    segment: readonly LoopMessage[],
    append: (message: Omit<LoopMessage, 'seq' | 'stepKey'>) => Promise<LoopMessage>,
    turn: number,
    log: Logger,
  ): Promise<void> {
    const maxOutputTokens = Math.min(this.deps.limits.maxOutputTokens, 8_000);
    const response = await this.call(step, segment, turn, step.remainingMs(), {
      text: SUMMARY_REQUEST,
      maxOutputTokens,
    });
    if (response === undefined) return;
    const summary = textOf(response.content).trim();
    if (summary === '') throw new AgentInvocationError(`the ${step.agent} agent returned an empty summary`);
    log.info({ summaryChars: summary.length }, 'conversation compacted');
    await this.deps.timeline.append(step.taskId, {
      type: 'agent.compacted',
      message: `${step.agent}: context restarted from a summary (${segment.length} messages replaced)`,
      data: { agent: step.agent, replacedMessages: segment.length, summaryChars: summary.length },
    });
    await append({
      role: 'user',
      kind: MessageKind.Summary,
      content: [
        {
          type: 'text',
          text: `${step.prompt}\n\n## Progress so far\nThe earlier conversation was replaced by your own summary to stay within the context window:\n\n${summary}\n\nContinue the work from here.`,
        },
      ],
    });
  }

  /** Error results for tool calls whose answers were never stored, so the conversation is valid again. */
  private async repairDangling(
    stored: readonly LoopMessage[],
    append: (message: Omit<LoopMessage, 'seq' | 'stepKey'>) => Promise<LoopMessage>,
  ): Promise<void> {
    const last = stored.at(-1);
    if (last?.role !== 'assistant') return;
    const uses = last.content.filter((b): b is ToolUseBlock => b.type === 'toolUse');
    if (uses.length === 0) return;
    await append({
      role: 'user',
      kind: MessageKind.Repair,
      content: uses.map((use) => ({
        type: 'toolResult',
        toolUseId: use.id,
        isError: true,
        content:
          'The invocation stopped before this tool call finished, so its result is unknown. Check the current state (the tools are idempotent) and call it again if still needed.',
      })),
    });
  }

  /** Runs one tool call; refusals and failures become error results the model can act on. */
  private async dispatch(
    step: LoopStep,
    byName: ReadonlyMap<string, AgentTool>,
    use: ToolUseBlock,
    log: Logger,
  ): Promise<ToolResultBlock> {
    const result = (content: string, isError: boolean): ToolResultBlock => ({
      type: 'toolResult',
      toolUseId: use.id,
      content: truncateText(content, MAX_TOOL_RESULT_BYTES, 'tool output'),
      isError,
    });
    const tool = byName.get(use.name);
    if (tool === undefined)
      return result(
        `error: there is no tool named ${use.name}. Your tools: ${[...byName.keys()].join(', ')}.`,
        true,
      );
    if (typeof use.input !== 'object' || use.input === null || Array.isArray(use.input))
      return result(
        `error: the input of ${use.name} must be a JSON object matching its schema; got ${typeof use.input === 'string' ? `unparseable text: ${use.input.slice(0, 200)}` : JSON.stringify(use.input)}`,
        true,
      );
    const invoker = this.deps.actionGroups[tool.actionGroup];
    if (invoker === undefined) {
      log.error({ actionGroup: tool.actionGroup }, 'action group not wired');
      return result(
        `error: ${use.name} is unavailable right now (action group ${tool.actionGroup} is not configured)`,
        true,
      );
    }
    const event = toActionGroupEvent(tool, use.input as Record<string, unknown>, {
      agent: step.agent,
      sessionId: step.conversationId,
      sessionAttributes: step.sessionAttributes,
    });
    try {
      const response = await invoker(event);
      const status = response.response.httpStatusCode;
      const body = response.response.responseBody['application/json'].body;
      return status >= 400 ? result(`HTTP ${status}: ${body}`, true) : result(body, false);
    } catch (error) {
      log.warn({ tool: use.name, err: error }, 'tool call failed');
      const message = error instanceof Error ? error.message : String(error);
      return result(
        `error: ${use.name} failed: ${message.slice(0, 500)}. You may retry once or work around it.`,
        true,
      );
    }
  }
}
