import {
  type BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-agent-runtime';
import type { AgentName } from '@enterprise-agents/core/domain';
import { AgentInvocationError, AgentUnavailableError, InvalidAgentOutputError } from '../domain/errors';
import { ZERO_MODEL_USAGE } from '../domain/model';
import type { AgentRuntime, AgentStep, StepOutcome } from '../domain/ports';
import { mapAwsError } from './aws-errors';

/** Agent id and alias id per agent (the AGENTS variable). */
export type AgentIds = Readonly<Record<AgentName, { agentId: string; aliasId: string }>>;

/** Maps an InvokeAgent failure to the invoker's named errors. */
export const mapBedrockError = (error: unknown): Error => mapAwsError('Bedrock InvokeAgent', error);

interface UsageHolder {
  modelInvocationOutput?: { metadata?: { usage?: { inputTokens?: number; outputTokens?: number } } };
}

/** Token usage in one trace event: any of the four model-calling trace kinds. */
export const usageOfTrace = (trace: unknown): { inputTokens: number; outputTokens: number } | undefined => {
  if (typeof trace !== 'object' || trace === null) return undefined;
  const parts = trace as Record<string, UsageHolder | undefined>;
  for (const key of [
    'orchestrationTrace',
    'preProcessingTrace',
    'postProcessingTrace',
    'routingClassifierTrace',
  ]) {
    const usage = parts[key]?.modelInvocationOutput?.metadata?.usage;
    if (usage !== undefined)
      return { inputTokens: Number(usage.inputTokens ?? 0), outputTokens: Number(usage.outputTokens ?? 0) };
  }
  return undefined;
};

const STREAM_ERRORS = [
  'accessDeniedException',
  'badGatewayException',
  'conflictException',
  'dependencyFailedException',
  'internalServerException',
  'modelNotReadyException',
  'resourceNotFoundException',
  'serviceQuotaExceededException',
  'throttlingException',
  'validationException',
] as const;

/**
 * Agents Classic (`agent_runtime = "agents-classic"`, for accounts that already use
 * Bedrock Agents): InvokeAgent with trace on, reading the completion stream. Every
 * model call in the trace is recorded as it arrives and the budget checked after
 * it, so a looping agent is stopped mid-stream. Bedrock keeps the conversation
 * (session id = conversation id); an invalid result gets one corrective turn.
 * InvokeAgent cannot be paused, so this runtime never returns "continue".
 */
export class AgentsClassicRuntime implements AgentRuntime {
  readonly name = 'agents-classic';

  constructor(
    private readonly client: BedrockAgentRuntimeClient,
    private readonly agents: AgentIds,
    /** Model of each agent, for pricing (Terraform sets the agents' foundation model from the same map). */
    private readonly models: Readonly<Record<AgentName, string>>,
  ) {}

  async run(step: AgentStep): Promise<StepOutcome> {
    let prompt = step.prompt;
    let turns = 0;
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      await step.meter.ensureBudget();
      const { text, calls } = await this.invoke(step, prompt, turns);
      turns += calls;
      const check = await step.validate(text);
      if (check.ok) return { status: 'done', output: check.output, turns };
      if (attempt === 2) throw new InvalidAgentOutputError(step.agent, check.problems);
      prompt = step.corrective(check.problems);
    }
    throw new InvalidAgentOutputError(step.agent, ['no attempt made']);
  }

  private async invoke(
    step: AgentStep,
    prompt: string,
    turnsBefore: number,
  ): Promise<{ text: string; calls: number }> {
    const ids = this.agents[step.agent];
    const controller = new AbortController();
    const { signal } = controller;
    let completion: AsyncIterable<ResponseStream> | undefined;
    try {
      const response = await this.client.send(
        new InvokeAgentCommand({
          agentId: ids.agentId,
          agentAliasId: ids.aliasId,
          sessionId: step.conversationId,
          inputText: prompt,
          enableTrace: true,
          sessionState: { sessionAttributes: step.sessionAttributes },
        }),
        { abortSignal: signal },
      );
      completion = response.completion;
    } catch (error) {
      throw mapBedrockError(error);
    }
    if (completion === undefined)
      throw new AgentUnavailableError('Bedrock InvokeAgent returned no completion stream');
    const decoder = new TextDecoder();
    let text = '';
    let calls = 0;
    try {
      for await (const event of completion) {
        if (event.chunk?.bytes !== undefined) text += decoder.decode(event.chunk.bytes, { stream: true });
        const usage = usageOfTrace(event.trace?.trace);
        if (usage !== undefined) {
          calls += 1;
          await step.meter.record({
            model: this.models[step.agent],
            usage: { ...ZERO_MODEL_USAGE, ...usage },
            turn: turnsBefore + calls,
            tools: [],
          });
          // Throws BudgetExceeded: the stream is abandoned and the agent stops.
          await step.meter.ensureBudget();
        }
        if (event.returnControl !== undefined)
          throw new AgentInvocationError(
            'the agent returned control; action groups must be Lambda executors',
          );
        for (const key of STREAM_ERRORS) {
          const streamError = (event as unknown as Record<string, unknown>)[key] as
            | { message?: string }
            | undefined;
          if (streamError !== undefined) {
            const name = `${key[0]?.toUpperCase()}${key.slice(1)}`;
            throw mapBedrockError(Object.assign(new Error(streamError.message ?? name), { name }));
          }
        }
      }
    } catch (error) {
      controller.abort(error);
      throw mapBedrockError(error);
    }
    return { text: text + decoder.decode(), calls };
  }
}
