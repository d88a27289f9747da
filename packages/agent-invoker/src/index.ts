export { AnthropicModel, type AnthropicModelOptions } from './adapters/anthropic-model';
export {
  type AgentIds,
  AgentsClassicRuntime,
  mapBedrockError,
  usageOfTrace,
} from './adapters/bedrock-runtime';
export { ConverseModel } from './adapters/converse-model';
export { lambdaActionGroups, ToolDispatchError } from './adapters/lambda-action-groups';
export {
  type AgentScript,
  realisticUsage,
  type ScriptContext,
  ScriptedModel,
  type ScriptedModelOptions,
  type ScriptInvocation,
  type ToolResult,
} from './adapters/scripted-model';
export {
  AgentRuntimeKind,
  type InvokerConfig,
  ModelProvider,
  type ModelSettings,
  readBudgets,
  readConfig,
  readModelSettings,
} from './config';
export {
  createHandler,
  type InvocationContext,
  type InvokerDeps,
  type InvokerResult,
} from './create-handler';
export { AgentLoop, DEFAULT_COMPACT_AT, type LoopLimits, type UsageMeter } from './domain/agent-loop';
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
export { AGENT_INSTRUCTIONS } from './domain/instructions';
export { type InvokeAgentResult, sessionIdFor, stepKeyOf } from './domain/invoke-agent';
export { describeError, type WorkView } from './domain/lifecycle';
export { LoopAgentRuntime, type LoopRuntimeOptions } from './domain/loop-runtime';
export type {
  ContentBlock,
  ModelMessage,
  ModelPort,
  ModelRequest,
  ModelResponse,
  ModelUsage,
  ToolSpec,
} from './domain/model';
export { ModelCallAbortedError, StopReason, ZERO_MODEL_USAGE } from './domain/model';
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
export type { AgentRuntime, AgentStep, StepOutcome } from './domain/ports';
export {
  DEFAULT_AGENT_MODELS,
  DEFAULT_ANTHROPIC_AGENT_MODELS,
  DEFAULT_MODEL_PRICES,
  type ModelPrice,
  type ModelPrices,
  priceUsage,
  readModelPrices,
  resolveModelPrice,
} from './domain/pricing';
export { type AgentStepInput, buildPrompt, suggestedBranch } from './domain/prompt';
export { dataBlock, sanitizeUntrusted } from './domain/sanitize';
export {
  ACTION_GROUP_DOCUMENTS,
  ActionGroup,
  type ActionGroupInvoker,
  AGENT_ACTION_GROUPS,
  type AgentTool,
  toActionGroupEvent,
  toolsFor,
} from './domain/tools';
export { bedrockModel } from './models';
