import type { ConversationStore, TimelineRepository } from '@enterprise-agents/core/db';
import type { AgentName } from '@enterprise-agents/core/domain';
import type { Logger } from '@enterprise-agents/core/logging';
import { AgentLoop, type LoopLimits } from './agent-loop';
import type { ModelPort } from './model';
import type { AgentRuntime, AgentStep, StepOutcome } from './ports';
import { type ModelPrices, resolveModelPrice } from './pricing';
import { type ActionGroupInvoker, toolsFor } from './tools';

export interface LoopRuntimeOptions {
  /** `converse:bedrock`, `converse:anthropic`, `converse:scripted`. */
  name: string;
  model: ModelPort;
  conversations: ConversationStore;
  actionGroups: Readonly<Record<string, ActionGroupInvoker>>;
  timeline: TimelineRepository;
  logger: Logger;
  limits: LoopLimits;
  models: Readonly<Record<AgentName, string>>;
  prices: ModelPrices;
  /** System prompt per agent (infrastructure/agents/<agent>.md). */
  instructions: Readonly<Record<AgentName, string>>;
}

/** The runtime of every account: our loop over a model port, tools generated from the action groups' schemas. */
export class LoopAgentRuntime implements AgentRuntime {
  readonly name: string;
  private readonly tools: Record<AgentName, ReturnType<typeof toolsFor>>;

  constructor(private readonly options: LoopRuntimeOptions) {
    this.name = options.name;
    this.tools = {
      discovery: toolsFor('discovery'),
      planning: toolsFor('planning'),
      execution: toolsFor('execution'),
      cicd: toolsFor('cicd'),
    };
    // Checked once: a model without a price cannot run under a budget.
    for (const model of Object.values(options.models)) resolveModelPrice(model, options.prices);
  }

  async run(step: AgentStep): Promise<StepOutcome> {
    const modelId = this.options.models[step.agent];
    const loop = new AgentLoop({
      model: this.options.model,
      conversations: this.options.conversations,
      actionGroups: this.options.actionGroups,
      meter: step.meter,
      timeline: this.options.timeline,
      logger: this.options.logger,
      limits: this.options.limits,
    });
    const outcome = await loop.run({
      taskId: step.taskId,
      agent: step.agent,
      conversationId: step.conversationId,
      stepKey: step.stepKey,
      modelId,
      price: resolveModelPrice(modelId, this.options.prices),
      system: this.options.instructions[step.agent],
      prompt: step.prompt,
      tools: this.tools[step.agent],
      sessionAttributes: step.sessionAttributes,
      validate: step.validate,
      corrective: step.corrective,
      remainingMs: step.remainingMs,
    });
    return outcome.status === 'done'
      ? { status: 'done', output: outcome.output.output, turns: outcome.turns }
      : outcome;
  }
}
