export {
  type AgentIds,
  BedrockAgentRuntime,
  mapBedrockError,
  usageOfTrace,
} from './adapters/bedrock-runtime';
export {
  type ActionGroupInvoker,
  type AgentScript,
  type ScriptContext,
  ScriptedAgentRuntime,
  type ScriptedRuntimeOptions,
  type ToolResult,
} from './adapters/scripted-runtime';
export { AgentRuntimeKind, type InvokerConfig, readConfig } from './config';
export { createHandler, type InvokerDeps, type InvokerResult } from './create-handler';
export {
  AgentInvocationError,
  AgentThrottledError,
  AgentUnavailableError,
  InvalidAgentOutputError,
  InvokerError,
  InvokerErrorName,
  TaskAlreadyClaimedError,
  TaskNotActiveError,
} from './domain/errors';
export { type InvokeAgentResult, sessionIdFor } from './domain/invoke-agent';
export { describeError, type WorkView } from './domain/lifecycle';
export {
  type AgentOutput,
  type AgentOutputs,
  type CicdOutput,
  type DiscoveryOutput,
  type ExecutionOutput,
  extractLastJsonObject,
  OUTPUT_SCHEMAS,
  OutputValidator,
  type PlanningOutput,
} from './domain/output';
export { InvokerAction } from './domain/payload';
export type { AgentInvocation, AgentReply, AgentRuntime, TokenUsage } from './domain/ports';
export {
  DEFAULT_MODEL_ID,
  DEFAULT_MODEL_PRICES,
  type ModelPrice,
  type ModelPrices,
  priceUsage,
  resolveModelPrice,
} from './domain/pricing';
export { type AgentStepInput, buildPrompt, suggestedBranch } from './domain/prompt';
export { dataBlock, sanitizeUntrusted } from './domain/sanitize';
