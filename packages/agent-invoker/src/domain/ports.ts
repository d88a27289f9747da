import type { AgentName } from '@enterprise-agents/core/domain';
import type { UsageMeter } from './agent-loop';
import type { AgentOutput, OutputCheck } from './output';

/** One agent step as a runtime runs it (the invoker has checked the budget and set the status). */
export interface AgentStep {
  taskId: string;
  runId: number;
  agent: AgentName;
  /** The conversation of this agent in this run: `<taskId>-r<runId>-<agent>` (see README "Conversations"). */
  conversationId: string;
  /** Which step of the conversation: a retry or continuation of the same step has the same key. */
  stepKey: string;
  prompt: string;
  /** Visible to the action groups (`taskId` tells them which task they work on). */
  sessionAttributes: Record<string, string>;
  /** Schema and rule check of the final answer. */
  validate(text: string): Promise<OutputCheck>;
  /** The message that asks for a corrected answer. */
  corrective(problems: readonly string[]): string;
  meter: UsageMeter;
  /** Milliseconds left of this invocation. */
  remainingMs(): number;
}

export type StepOutcome =
  | { status: 'done'; output: AgentOutput; turns: number }
  | { status: 'continue'; turns: number; reason: string };

/**
 * Where agents run: our own loop on a model port (Bedrock Converse, the Anthropic
 * API, or the scripted model of tests and the local stack), or Bedrock Agents
 * Classic. Throws the invoker's named errors (AgentThrottled, AgentUnavailable,
 * AgentInvocationFailed, InvalidAgentOutput, BudgetExceeded).
 */
export interface AgentRuntime {
  /** For logs and the timeline: `converse:<provider>`, `agents-classic`. */
  readonly name: string;
  run(step: AgentStep): Promise<StepOutcome>;
}
