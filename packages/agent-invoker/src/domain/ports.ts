import type { AgentName } from '@enterprise-agents/core';

/** Tokens consumed by model calls, as reported by the runtime's trace. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One call of an agent: a prompt in, the completion text out. */
export interface AgentInvocation {
  agent: AgentName;
  /** Bedrock session id: the conversation the agent continues (see README "Sessions"). */
  sessionId: string;
  prompt: string;
  /** Visible to the action groups (`taskId` tells them which task they work on). */
  sessionAttributes: Record<string, string>;
  /** Aborted when the budget runs out mid-invocation; the runtime must stop reading and throw. */
  signal: AbortSignal;
  /** Called for every model call as the runtime learns of it, so the budget can stop a loop. */
  onUsage: (usage: TokenUsage) => void;
}

export interface AgentReply {
  /** The completion text, all chunks joined. */
  text: string;
}

/**
 * Where agents run: Bedrock Agents in production, a scripted deterministic runtime
 * in tests and the local demo. Throws the invoker's named errors
 * (AgentThrottled, AgentUnavailable, AgentInvocationFailed).
 */
export interface AgentRuntime {
  invoke(invocation: AgentInvocation): Promise<AgentReply>;
}
