import type { BedrockAgentRuntimeClient, ResponseStream } from '@aws-sdk/client-bedrock-agent-runtime';
import { describe, expect, it } from '@jest/globals';
import { BedrockAgentRuntime, mapBedrockError, usageOfTrace } from '../../src/adapters/bedrock-runtime';
import type { AgentInvocation, TokenUsage } from '../../src/domain/ports';

const ids = {
  discovery: { agentId: 'A1', aliasId: 'L1' },
  planning: { agentId: 'A2', aliasId: 'L2' },
  execution: { agentId: 'A3', aliasId: 'L3' },
  cicd: { agentId: 'A4', aliasId: 'L4' },
};
const usageTrace = (kind: string, inputTokens: number, outputTokens: number): ResponseStream =>
  ({
    trace: {
      trace: { [kind]: { modelInvocationOutput: { metadata: { usage: { inputTokens, outputTokens } } } } },
    },
  }) as unknown as ResponseStream;
const chunk = (text: string): ResponseStream =>
  ({ chunk: { bytes: new TextEncoder().encode(text) } }) as ResponseStream;

/** A client whose InvokeAgent streams the given events, like the SDK's event stream. */
const fakeClient = (events: ResponseStream[], onSend?: (input: unknown) => void) => {
  const sent: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }, options?: { abortSignal?: AbortSignal }) => {
      sent.push(command.input);
      onSend?.(command.input);
      return {
        completion: (async function* () {
          for (const event of events) {
            if (options?.abortSignal?.aborted) throw new Error('aborted by signal');
            yield event;
          }
        })(),
      };
    },
  } as unknown as BedrockAgentRuntimeClient;
  return { client, sent };
};

const invocation = (overrides: Partial<AgentInvocation> = {}): AgentInvocation & { usages: TokenUsage[] } => {
  const usages: TokenUsage[] = [];
  return {
    agent: 'planning',
    sessionId: 'task-1-r1-planning',
    prompt: 'do it',
    sessionAttributes: { taskId: 'task-1' },
    signal: new AbortController().signal,
    onUsage: (u) => usages.push(u),
    usages,
    ...overrides,
  };
};

describe('BedrockAgentRuntime', () => {
  it('calls InvokeAgent with trace on and the session, joins the chunks and reports usage per trace', async () => {
    const { client, sent } = fakeClient([
      usageTrace('preProcessingTrace', 100, 10),
      usageTrace('orchestrationTrace', 1000, 200),
      {
        trace: { trace: { orchestrationTrace: { rationale: { text: 'thinking' } } } },
      } as unknown as ResponseStream,
      chunk('{"a":'),
      chunk('1}'),
      usageTrace('postProcessingTrace', 50, 5),
    ]);
    const inv = invocation();
    const reply = await new BedrockAgentRuntime(client, ids).invoke(inv);
    expect(reply.text).toBe('{"a":1}');
    expect(inv.usages).toEqual([
      { inputTokens: 100, outputTokens: 10 },
      { inputTokens: 1000, outputTokens: 200 },
      { inputTokens: 50, outputTokens: 5 },
    ]);
    expect(sent[0]).toEqual({
      agentId: 'A2',
      agentAliasId: 'L2',
      sessionId: 'task-1-r1-planning',
      inputText: 'do it',
      enableTrace: true,
      sessionState: { sessionAttributes: { taskId: 'task-1' } },
    });
  });

  it('stops reading when the budget aborts the invocation, throwing the abort reason', async () => {
    const controller = new AbortController();
    const reason = Object.assign(new Error('over budget'), { name: 'BudgetExceeded' });
    const events = Array.from({ length: 100 }, () => usageTrace('orchestrationTrace', 1000, 100));
    const { client } = fakeClient(events);
    let seen = 0;
    const inv = invocation({
      signal: controller.signal,
      onUsage: () => {
        seen += 1;
        if (seen === 3) controller.abort(reason);
      },
    });
    await expect(new BedrockAgentRuntime(client, ids).invoke(inv)).rejects.toBe(reason);
    expect(seen).toBe(3);
  });

  it('maps in-stream exceptions and returnControl to named errors', async () => {
    const throttled = fakeClient([
      { throttlingException: { message: 'slow down' } } as unknown as ResponseStream,
    ]);
    await expect(new BedrockAgentRuntime(throttled.client, ids).invoke(invocation())).rejects.toMatchObject({
      name: 'AgentThrottled',
      message: 'Bedrock InvokeAgent failed: ThrottlingException: slow down',
    });
    const control = fakeClient([{ returnControl: { invocationId: 'x' } } as unknown as ResponseStream]);
    await expect(new BedrockAgentRuntime(control.client, ids).invoke(invocation())).rejects.toMatchObject({
      name: 'AgentInvocationFailed',
    });
  });
});

describe('mapBedrockError', () => {
  it.each([
    ['ThrottlingException', undefined, 'AgentThrottled'],
    ['ServiceQuotaExceededException', undefined, 'AgentThrottled'],
    ['SomethingElse', 429, 'AgentThrottled'],
    ['InternalServerException', undefined, 'AgentUnavailable'],
    ['DependencyFailedException', undefined, 'AgentUnavailable'],
    ['Whatever', 503, 'AgentUnavailable'],
    ['AccessDeniedException', 403, 'AgentInvocationFailed'],
    ['ValidationException', 400, 'AgentInvocationFailed'],
  ])('%s (%s) becomes %s', (name, status, expected) => {
    const error = Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: status } });
    expect(mapBedrockError(error).name).toBe(expected);
  });

  it('reads usage from every model-calling trace kind only', () => {
    expect(
      usageOfTrace({
        routingClassifierTrace: { modelInvocationOutput: { metadata: { usage: { inputTokens: 3 } } } },
      }),
    ).toEqual({
      inputTokens: 3,
      outputTokens: 0,
    });
    expect(usageOfTrace({ guardrailTrace: {} })).toBeUndefined();
  });
});
