import {
  type BedrockAgentRuntimeClient,
  InvokeAgentCommand,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-agent-runtime';
import type { AgentName } from '@enterprise-agents/core';
import {
  AgentInvocationError,
  AgentThrottledError,
  AgentUnavailableError,
  InvokerError,
} from '../domain/errors';
import type { AgentInvocation, AgentReply, AgentRuntime, TokenUsage } from '../domain/ports';

/** Agent id and alias id per agent (the AGENTS variable). */
export type AgentIds = Readonly<Record<AgentName, { agentId: string; aliasId: string }>>;

const THROTTLED = new Set([
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'TooManyRequestsException',
]);
const TRANSIENT = new Set([
  'InternalServerException',
  'DependencyFailedException',
  'BadGatewayException',
  'ModelNotReadyException',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Maps an SDK or stream error to the invoker's named errors (the names the state machine retries on). */
export const mapBedrockError = (error: unknown): Error => {
  if (error instanceof InvokerError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (err as { code?: string }).code;
  const message = `Bedrock InvokeAgent failed: ${err.name}${err.message === '' ? '' : `: ${err.message}`}`;
  if (THROTTLED.has(err.name) || status === 429) return new AgentThrottledError(message, err);
  if (
    TRANSIENT.has(err.name) ||
    (code !== undefined && TRANSIENT.has(code)) ||
    (status !== undefined && status >= 500)
  )
    return new AgentUnavailableError(message, err);
  return new AgentInvocationError(message, err);
};

interface UsageHolder {
  modelInvocationOutput?: { metadata?: { usage?: { inputTokens?: number; outputTokens?: number } } };
}

/** Token usage in one trace event: any of the four model-calling trace kinds. */
export const usageOfTrace = (trace: unknown): TokenUsage | undefined => {
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

/** Production runtime: Bedrock Agents InvokeAgent with trace on, reading the completion stream. */
export class BedrockAgentRuntime implements AgentRuntime {
  constructor(
    private readonly client: BedrockAgentRuntimeClient,
    private readonly agents: AgentIds,
  ) {}

  async invoke(invocation: AgentInvocation): Promise<AgentReply> {
    const ids = this.agents[invocation.agent];
    const { signal } = invocation;
    const stopped = (): Error =>
      signal.reason instanceof Error ? signal.reason : new AgentInvocationError('invocation aborted');
    let completion: AsyncIterable<ResponseStream> | undefined;
    try {
      const response = await this.client.send(
        new InvokeAgentCommand({
          agentId: ids.agentId,
          agentAliasId: ids.aliasId,
          sessionId: invocation.sessionId,
          inputText: invocation.prompt,
          enableTrace: true,
          sessionState: { sessionAttributes: invocation.sessionAttributes },
        }),
        { abortSignal: signal },
      );
      completion = response.completion;
    } catch (error) {
      if (signal.aborted) throw stopped();
      throw mapBedrockError(error);
    }
    if (completion === undefined)
      throw new AgentUnavailableError('Bedrock InvokeAgent returned no completion stream');
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const event of completion) {
        if (signal.aborted) throw stopped();
        if (event.chunk?.bytes !== undefined) text += decoder.decode(event.chunk.bytes, { stream: true });
        const usage = usageOfTrace(event.trace?.trace);
        if (usage !== undefined) invocation.onUsage(usage);
        if (signal.aborted) throw stopped();
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
      if (signal.aborted) throw stopped();
      throw mapBedrockError(error);
    }
    return { text: text + decoder.decode() };
  }
}
