import type { BedrockAgentRuntimeClient, ResponseStream } from '@aws-sdk/client-bedrock-agent-runtime';
import { BudgetExceededError } from '@enterprise-agents/core/errors';
import { describe, expect, it } from '@jest/globals';
import { AgentsClassicRuntime, mapBedrockError, usageOfTrace } from '../../src/adapters/bedrock-runtime';
import type { AgentStep } from '../../src/domain/ports';

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

const models = { discovery: 'm-d', planning: 'm-p', execution: 'm-e', cicd: 'm-c' };

/** An agent step whose meter keeps what it was told and runs out after `budgetCalls` model calls. */
const stepOf = (overrides: Partial<AgentStep> = {}, budgetCalls = Number.POSITIVE_INFINITY) => {
  const recorded: { model: string; inputTokens: number; outputTokens: number; turn: number }[] = [];
  const step: AgentStep = {
    taskId: 'task-1',
    runId: 1,
    agent: 'planning',
    conversationId: 'task-1-r1-planning',
    stepKey: 'k',
    prompt: 'do it',
    sessionAttributes: { taskId: 'task-1' },
    validate: async (text) =>
      text.includes('{') ? { ok: true, output: JSON.parse(text) } : { ok: false, problems: ['no JSON'] },
    corrective: (problems) => `fix: ${problems.join('; ')}`,
    meter: {
      ensureBudget: async () => {
        if (recorded.length >= budgetCalls) throw new BudgetExceededError('over budget');
      },
      record: async (call) => {
        recorded.push({ model: call.model, ...call.usage, turn: call.turn });
        return 0;
      },
    },
    remainingMs: () => Number.POSITIVE_INFINITY,
    ...overrides,
  };
  return { step, recorded };
};

describe('AgentsClassicRuntime', () => {
  it('calls InvokeAgent with trace on and the session, joins the chunks and records usage per trace', async () => {
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
    const { step, recorded } = stepOf();
    const outcome = await new AgentsClassicRuntime(client, ids, models).run(step);
    expect(outcome).toEqual({ status: 'done', output: { a: 1 }, turns: 3 });
    expect(recorded).toEqual([
      { model: 'm-p', inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, turn: 1 },
      {
        model: 'm-p',
        inputTokens: 1000,
        outputTokens: 200,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        turn: 2,
      },
      { model: 'm-p', inputTokens: 50, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, turn: 3 },
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

  it('asks once for a correction in the same session', async () => {
    const replies = ['no result', '{"b":2}'];
    const sent: unknown[] = [];
    const client = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        const text = replies.shift() ?? '';
        return {
          completion: (async function* () {
            yield chunk(text);
          })(),
        };
      },
    } as unknown as BedrockAgentRuntimeClient;
    const { step } = stepOf();
    await expect(new AgentsClassicRuntime(client, ids, models).run(step)).resolves.toMatchObject({
      output: { b: 2 },
    });
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ sessionId: 'task-1-r1-planning', inputText: 'fix: no JSON' });
  });

  it('stops reading when the budget runs out mid-stream, with every model call recorded', async () => {
    const events = Array.from({ length: 100 }, () => usageTrace('orchestrationTrace', 1000, 100));
    const { client } = fakeClient(events);
    const { step, recorded } = stepOf({}, 3);
    await expect(new AgentsClassicRuntime(client, ids, models).run(step)).rejects.toMatchObject({
      name: 'BudgetExceeded',
    });
    expect(recorded).toHaveLength(3);
  });

  it('maps in-stream exceptions and returnControl to named errors', async () => {
    const throttled = fakeClient([
      { throttlingException: { message: 'slow down' } } as unknown as ResponseStream,
    ]);
    await expect(
      new AgentsClassicRuntime(throttled.client, ids, models).run(stepOf().step),
    ).rejects.toMatchObject({
      name: 'AgentThrottled',
      message: 'Bedrock InvokeAgent failed: ThrottlingException: slow down',
    });
    const control = fakeClient([{ returnControl: { invocationId: 'x' } } as unknown as ResponseStream]);
    await expect(
      new AgentsClassicRuntime(control.client, ids, models).run(stepOf().step),
    ).rejects.toMatchObject({
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
