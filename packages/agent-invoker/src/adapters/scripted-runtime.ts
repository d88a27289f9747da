import type { ActionGroupEvent, ActionGroupResponse, AgentName } from '@enterprise-agents/core';
import { AgentInvocationError, AgentThrottledError } from '../domain/errors';
import type { AgentInvocation, AgentReply, AgentRuntime, TokenUsage } from '../domain/ports';

/** An action-group Lambda handler (createHandler of github-actions, jira-actions, sentry-actions). */
export type ActionGroupInvoker = (event: ActionGroupEvent) => Promise<ActionGroupResponse>;

/** What a tool call returned, decoded from the Bedrock response shape. */
export interface ToolResult {
  status: number;
  body: unknown;
}

/** What a script can do: call tools the way Bedrock would, report tokens, fail like Bedrock. */
export interface ScriptContext {
  readonly invocation: Omit<AgentInvocation, 'onUsage' | 'signal'>;
  /** How many times this agent was invoked so far in this runtime (1 = first). */
  readonly call: number;
  /**
   * Calls an action group operation with a Bedrock-shaped event (every value a
   * string; path/query values as parameters, the rest as request body properties).
   * Each tool call counts as one model turn of usage.
   */
  tool(
    actionGroup: string,
    method: string,
    apiPath: string,
    args?: Record<string, unknown>,
  ): Promise<ToolResult>;
  /** Reports the tokens of one model turn; throws once the invocation was aborted (budget). */
  turn(usage?: TokenUsage): void;
  /** Fails this invocation the way a throttled Bedrock call does. */
  throttle(): never;
}

/** A script returns the completion text (thoughts, then the JSON result). */
export type AgentScript = (ctx: ScriptContext) => Promise<string>;

export interface ScriptedRuntimeOptions {
  /** Scripts per agent; a list is consumed one per invocation, its last entry repeating. */
  scripts: Partial<Record<AgentName, AgentScript | AgentScript[]>>;
  /** Action-group handlers by action group name. */
  tools: Record<string, ActionGroupInvoker>;
  /** Tokens per model turn (defaults: 1200 input, 150 output). */
  turnUsage?: TokenUsage;
}

const stringValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * A deterministic agent runtime for tests and the local demo: scripts drive the
 * REAL action-group handlers with Bedrock-shaped events, and usage is reported per
 * model turn like Bedrock's trace, so budgets, costs and guardrails behave as in
 * production without a model.
 */
export class ScriptedAgentRuntime implements AgentRuntime {
  private readonly calls = new Map<AgentName, number>();
  /** Every invocation received, for assertions. */
  readonly invocations: Omit<AgentInvocation, 'onUsage' | 'signal'>[] = [];
  /** Every tool call made, with its status. */
  readonly toolCalls: {
    agent: AgentName;
    actionGroup: string;
    method: string;
    apiPath: string;
    status: number;
  }[] = [];

  constructor(private readonly options: ScriptedRuntimeOptions) {}

  async invoke(invocation: AgentInvocation): Promise<AgentReply> {
    const { onUsage, signal, ...visible } = invocation;
    this.invocations.push(visible);
    const call = (this.calls.get(invocation.agent) ?? 0) + 1;
    this.calls.set(invocation.agent, call);
    const configured = this.options.scripts[invocation.agent];
    const list = Array.isArray(configured) ? configured : configured === undefined ? [] : [configured];
    const script = list[Math.min(call, list.length) - 1];
    if (script === undefined) throw new AgentInvocationError(`no script for the ${invocation.agent} agent`);
    const turnUsage = this.options.turnUsage ?? { inputTokens: 1200, outputTokens: 150 };
    const checkAborted = () => {
      if (signal.aborted)
        throw signal.reason instanceof Error ? signal.reason : new AgentInvocationError('invocation aborted');
    };
    const ctx: ScriptContext = {
      invocation: visible,
      call,
      turn: (usage = turnUsage) => {
        checkAborted();
        onUsage(usage);
        checkAborted();
      },
      throttle: () => {
        throw new AgentThrottledError('Bedrock InvokeAgent failed: ThrottlingException: Rate exceeded');
      },
      tool: async (actionGroup, method, apiPath, args = {}) => {
        ctx.turn();
        const handler = this.options.tools[actionGroup];
        if (handler === undefined)
          throw new AgentInvocationError(`no action group ${actionGroup} in the scripted runtime`);
        const inPath = new Set([...apiPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
        const asParameters = method.toUpperCase() === 'GET' || method.toUpperCase() === 'DELETE';
        const entries = Object.entries(args).filter(([, v]) => v !== undefined);
        const parameters = entries
          .filter(([k]) => inPath.has(k) || asParameters)
          .map(([name, value]) => ({
            name,
            type: typeof value === 'number' ? 'number' : 'string',
            value: stringValue(value),
          }));
        const properties = entries
          .filter(([k]) => !inPath.has(k) && !asParameters)
          .map(([name, value]) => ({
            name,
            type: Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value,
            value: stringValue(value),
          }));
        const event: ActionGroupEvent = {
          messageVersion: '1.0',
          agent: { name: `${invocation.agent}-agent`, id: 'SCRIPTED', alias: 'LOCAL', version: 'DRAFT' },
          inputText: '',
          sessionId: invocation.sessionId,
          actionGroup,
          apiPath,
          httpMethod: method.toUpperCase(),
          parameters,
          ...(properties.length === 0
            ? {}
            : { requestBody: { content: { 'application/json': { properties } } } }),
          sessionAttributes: { ...invocation.sessionAttributes },
          promptSessionAttributes: {},
        };
        const response = await handler(event);
        const raw = response.response.responseBody['application/json'].body;
        let body: unknown = raw;
        try {
          body = JSON.parse(raw);
        } catch {
          // Leave non-JSON bodies as text, as the model would see them.
        }
        this.toolCalls.push({
          agent: invocation.agent,
          actionGroup,
          method: event.httpMethod,
          apiPath,
          status: response.response.httpStatusCode,
        });
        return { status: response.response.httpStatusCode, body };
      },
    };
    const text = await script(ctx);
    // The final answer is one more model turn.
    ctx.turn();
    return { text };
  }
}
