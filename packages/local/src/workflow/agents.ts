import {
  type ActionGroupInvoker,
  AGENT_INSTRUCTIONS,
  type AgentScript,
  DEFAULT_COMPACT_AT,
  DEFAULT_MODEL_PRICES,
  LoopAgentRuntime,
  type LoopLimits,
  type ModelPort,
  type ModelPrices,
  ScriptedModel,
  type ScriptedModelOptions,
} from '@enterprise-agents/agent-invoker';
import {
  type AgentName,
  ConversationStore,
  type Logger,
  type TableRef,
  type TimelineRepository,
} from '@enterprise-agents/core';

/** Production's limits, with no deadline (the local runner has no Lambda timeout). */
export const LOCAL_LOOP_LIMITS: LoopLimits = {
  maxTurns: 50,
  maxOutputTokens: 16_000,
  reserveMs: 120_000,
  compactAt: DEFAULT_COMPACT_AT,
};

/** Every agent on the scripted model, priced like Sonnet (DEFAULT_MODEL_PRICES.scripted). */
export const SCRIPTED_MODELS: Readonly<Record<AgentName, string>> = {
  discovery: 'scripted',
  planning: 'scripted',
  execution: 'scripted',
  cicd: 'scripted',
};

export interface LoopRuntimeWiring {
  table: TableRef;
  timeline: TimelineRepository;
  logger: Logger;
  /** Action-group handlers by action group name, called in process. */
  actionGroups: Readonly<Record<string, ActionGroupInvoker>>;
  limits?: Partial<LoopLimits>;
}

/** The production loop (LoopAgentRuntime) on any model port, its tools dispatched in process. */
export const createLoopRuntime = (
  wiring: LoopRuntimeWiring,
  model: { name: string; port: ModelPort; models: Readonly<Record<AgentName, string>>; prices?: ModelPrices },
): LoopAgentRuntime =>
  new LoopAgentRuntime({
    name: model.name,
    model: model.port,
    conversations: new ConversationStore(wiring.table),
    actionGroups: wiring.actionGroups,
    timeline: wiring.timeline,
    logger: wiring.logger.child({ component: 'agent-loop' }),
    limits: { ...LOCAL_LOOP_LIMITS, ...wiring.limits },
    models: model.models,
    prices: model.prices ?? DEFAULT_MODEL_PRICES,
    instructions: AGENT_INSTRUCTIONS,
  });

/** The loop on the scripted model: what tests, `make demo` and `make dev` without credentials run. */
export const createScriptedAgents = (
  wiring: LoopRuntimeWiring & {
    scripts: Partial<Record<AgentName, AgentScript | AgentScript[]>>;
    usage?: ScriptedModelOptions['usage'];
  },
): { model: ScriptedModel; runtime: LoopAgentRuntime } => {
  const model = new ScriptedModel({
    scripts: wiring.scripts,
    ...(wiring.usage === undefined ? {} : { usage: wiring.usage }),
  });
  return {
    model,
    runtime: createLoopRuntime(wiring, { name: 'converse:scripted', port: model, models: SCRIPTED_MODELS }),
  };
};
