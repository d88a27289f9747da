import type { ActionGroupEvent, ActionGroupResponse } from '@enterprise-agents/core/bedrock';
import { ConversationStore, MAX_STORED_MESSAGE_BYTES, TimelineRepository } from '@enterprise-agents/core/db';
import { BudgetExceededError } from '@enterprise-agents/core/errors';
import { type LocalDynamo, silentLogger, startDynamo } from '@enterprise-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentLoop, type LoopLimits, type LoopStep, type ModelCallRecord } from '../../src/domain/agent-loop';
import { MessageKind } from '../../src/domain/conversation';
import {
  ModelCallAbortedError,
  type ModelPort,
  type ModelRequest,
  type ModelResponse,
  StopReason,
  type ToolResultBlock,
} from '../../src/domain/model';
import { DEFAULT_MODEL_PRICES } from '../../src/domain/pricing';
import { type ActionGroupInvoker, toolsFor } from '../../src/domain/tools';

let dynamo: LocalDynamo;
let conversations: ConversationStore;
let timeline: TimelineRepository;
let n = 0;

beforeAll(async () => {
  dynamo = await startDynamo();
  conversations = new ConversationStore(dynamo.table);
  timeline = new TimelineRepository(dynamo.table);
});
afterAll(async () => {
  await dynamo.stop();
});

const USAGE = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 };
const LIMITS: LoopLimits = { maxTurns: 20, maxOutputTokens: 4000, reserveMs: 60_000, compactAt: 0.7 };
const RESULT = '{"headSha":"abc","filesChanged":["a.ts"],"summary":"done"}';

const toolUse = (name: string, input: unknown, id = `tu-${name}`): ModelResponse => ({
  content: [
    { type: 'text', text: `Calling ${name}.` },
    { type: 'toolUse', id, name, input },
  ],
  stopReason: StopReason.ToolUse,
  usage: USAGE,
});
const answer = (text: string, stopReason: StopReason = StopReason.EndTurn): ModelResponse => ({
  content: [{ type: 'text', text }],
  stopReason,
  usage: USAGE,
});

/** A model whose n-th call answers with `turns[n]` (the last repeating); every request is kept. */
const modelOf = (turns: ((request: ModelRequest) => ModelResponse | Promise<ModelResponse>)[]) => {
  const requests: ModelRequest[] = [];
  const port: ModelPort = {
    converse: async (request) => {
      requests.push({ ...request, messages: structuredClone(request.messages) });
      const turn = turns[Math.min(requests.length, turns.length) - 1];
      if (turn === undefined) throw new Error('no turn');
      return turn(request);
    },
  };
  return { port, requests };
};

const response = (event: ActionGroupEvent, status: number, body: unknown): ActionGroupResponse => ({
  messageVersion: '1.0',
  response: {
    actionGroup: event.actionGroup,
    apiPath: event.apiPath,
    httpMethod: event.httpMethod,
    httpStatusCode: status,
    responseBody: { 'application/json': { body: typeof body === 'string' ? body : JSON.stringify(body) } },
  },
  sessionAttributes: event.sessionAttributes ?? {},
  promptSessionAttributes: {},
});

/** An action group that records the events it gets and answers with `reply`. */
const groupOf = (reply: (event: ActionGroupEvent) => [number, unknown] = () => [200, { ok: true }]) => {
  const events: ActionGroupEvent[] = [];
  const invoke: ActionGroupInvoker = async (event) => {
    events.push(event);
    const [status, body] = reply(event);
    return response(event, status, body);
  };
  return { invoke, events };
};

const meterOf = (budgetCalls = Number.POSITIVE_INFINITY) => {
  const calls: ModelCallRecord[] = [];
  return {
    calls,
    ensureBudget: async () => {
      if (calls.length >= budgetCalls)
        throw new BudgetExceededError(`budget spent after ${calls.length} calls`);
    },
    record: async (call: ModelCallRecord) => {
      calls.push(call);
      return 0.0045;
    },
  };
};

const setup = (options: {
  model: ModelPort;
  groups?: Record<string, ActionGroupInvoker>;
  meter?: ReturnType<typeof meterOf>;
  limits?: Partial<LoopLimits>;
  step?: Partial<LoopStep>;
}) => {
  n += 1;
  const meter = options.meter ?? meterOf();
  const loop = () =>
    new AgentLoop({
      model: options.model,
      conversations,
      actionGroups: options.groups ?? {},
      meter,
      timeline,
      logger: silentLogger(),
      limits: { ...LIMITS, ...options.limits },
    });
  const step: LoopStep = {
    taskId: `task-${n}`,
    agent: 'execution',
    conversationId: `task-${n}-r1-execution`,
    stepKey: 'step-1',
    modelId: 'scripted',
    price: DEFAULT_MODEL_PRICES.scripted as LoopStep['price'],
    system: 'You are the execution agent.',
    prompt: 'Implement the plan.',
    tools: toolsFor('execution'),
    sessionAttributes: { taskId: `task-${n}`, runId: '1', agent: 'execution' },
    validate: async (text) =>
      text.includes('"headSha"')
        ? { ok: true, output: JSON.parse(text.slice(text.indexOf('{'))) }
        : { ok: false, problems: ['the reply contains no JSON object'] },
    corrective: (problems) => `Reply with only the corrected JSON: ${problems.join('; ')}`,
    remainingMs: () => Number.POSITIVE_INFINITY,
    ...options.step,
  };
  return { loop, step, meter };
};

const stored = async (step: LoopStep) => await conversations.load(step.taskId, step.conversationId);

describe('AgentLoop', () => {
  it('round-trips tool calls through the action groups with the event Bedrock Agents would send', async () => {
    const github = groupOf((event) =>
      event.apiPath === '/github/repos/file' ? [200, { content: 'export {}' }] : [200, { commitSha: 'abc' }],
    );
    const { port, requests } = modelOf([
      () => toolUse('getFile', { repo: 'acme/app', path: 'src/a.ts', ref: 'agent/x' }),
      () =>
        toolUse('commitFiles', {
          repo: 'acme/app',
          branch: 'agent/x',
          message: 'm',
          files: [{ path: 'a.ts', content: 'x' }],
        }),
      () => answer(`Done.\n${RESULT}`),
    ]);
    const { loop, step, meter } = setup({
      model: port,
      groups: { 'github-discovery': github.invoke, 'github-planning': github.invoke },
    });
    const outcome = await loop().run(step);
    expect(outcome).toMatchObject({
      status: 'done',
      turns: 3,
      output: { ok: true, output: { headSha: 'abc' } },
    });

    const [get, commit] = github.events;
    expect(get).toMatchObject({
      messageVersion: '1.0',
      actionGroup: 'github-discovery',
      apiPath: '/github/repos/file',
      httpMethod: 'GET',
      sessionId: step.conversationId,
      sessionAttributes: { taskId: step.taskId, runId: '1', agent: 'execution' },
    });
    expect(get?.parameters).toEqual(
      expect.arrayContaining([
        { name: 'repo', type: 'string', value: 'acme/app' },
        { name: 'path', type: 'string', value: 'src/a.ts' },
      ]),
    );
    expect(commit).toMatchObject({
      actionGroup: 'github-planning',
      apiPath: '/github/commits',
      httpMethod: 'POST',
    });
    const properties = commit?.requestBody?.content?.['application/json']?.properties ?? [];
    expect(properties).toContainEqual({
      name: 'files',
      type: 'array',
      value: JSON.stringify([{ path: 'a.ts', content: 'x' }]),
    });

    // The model saw each result, tied to its call, and every request carried the system prompt and tools.
    const second = requests[1];
    expect(second?.messages.at(-1)?.content).toEqual([
      { type: 'toolResult', toolUseId: 'tu-getFile', content: '{"content":"export {}"}', isError: false },
    ]);
    expect(second?.system).toBe('You are the execution agent.');
    expect(second?.tools.map((t) => t.name)).toContain('commitFiles');
    expect(meter.calls.map((c) => c.tools)).toEqual([['getFile'], ['commitFiles'], []]);
    // prompt, turn, results, turn, results, turn: every message stored as it happened.
    expect((await stored(step)).map((m) => m.kind)).toEqual([
      MessageKind.Prompt,
      MessageKind.Turn,
      MessageKind.ToolResults,
      MessageKind.Turn,
      MessageKind.ToolResults,
      MessageKind.Turn,
    ]);
  });

  it('returns refusals, unknown tools and malformed input to the model as errors, and goes on', async () => {
    const github = groupOf(() => [403, { error: 'writes to .github/workflows are not allowed' }]);
    const { port, requests } = modelOf([
      () =>
        toolUse('putFile', {
          repo: 'acme/app',
          branch: 'agent/x',
          path: '.github/workflows/ci.yml',
          content: 'x',
          message: 'm',
        }),
      () => toolUse('deleteRepository', { repo: 'acme/app' }),
      () => toolUse('getFile', '{"repo": "acme/app", "path"'),
      () => answer(RESULT),
    ]);
    const { loop, step } = setup({ model: port, groups: { 'github-planning': github.invoke } });
    await expect(loop().run(step)).resolves.toMatchObject({ status: 'done' });
    const results = requests.slice(1).map((r) => r.messages.at(-1)?.content[0] as ToolResultBlock);
    expect(results[0]).toMatchObject({
      isError: true,
      content: 'HTTP 403: {"error":"writes to .github/workflows are not allowed"}',
    });
    expect(results[1]?.isError).toBe(true);
    expect(results[1]?.content).toMatch(
      /^error: there is no tool named deleteRepository\. Your tools: .*commitFiles/,
    );
    expect(results[2]?.isError).toBe(true);
    expect(results[2]?.content).toMatch(/must be a JSON object matching its schema; got unparseable text/);
    expect(github.events).toHaveLength(1);
  });

  it('stops a step at the turn limit with a clear error', async () => {
    const github = groupOf();
    const { port } = modelOf([() => toolUse('getFile', { repo: 'acme/app', path: 'a' })]);
    const { loop, step, meter } = setup({
      model: port,
      groups: { 'github-discovery': github.invoke },
      limits: { maxTurns: 4 },
    });
    await expect(loop().run(step)).rejects.toMatchObject({
      name: 'AgentInvocationFailed',
      message: 'the execution agent used its 4 model calls for this step without a result (AGENT_MAX_TURNS)',
    });
    expect(meter.calls).toHaveLength(4);
  });

  it('checks the budget before every model call: a looping agent stops with every call recorded', async () => {
    const github = groupOf();
    const { port, requests } = modelOf([() => toolUse('getFile', { repo: 'acme/app', path: 'a' })]);
    const meter = meterOf(3);
    const { loop, step } = setup({ model: port, groups: { 'github-discovery': github.invoke }, meter });
    await expect(loop().run(step)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(requests).toHaveLength(3);
    expect(meter.calls).toHaveLength(3);
    // The last call's tool ran and its result is stored: nothing is lost when the budget is raised and the step rerun.
    expect((await stored(step)).at(-1)?.kind).toBe(MessageKind.ToolResults);
  });

  it('continues across the deadline: stops before it, and a new invocation resumes the stored conversation', async () => {
    const github = groupOf();
    const { port, requests } = modelOf([
      () => toolUse('getFile', { repo: 'acme/app', path: 'a' }, 'tu-1'),
      () => toolUse('getFile', { repo: 'acme/app', path: 'b' }, 'tu-2'),
      () => answer(RESULT),
    ]);
    let remaining = 600_000;
    const { loop, step } = setup({
      model: port,
      groups: { 'github-discovery': github.invoke },
      step: {
        remainingMs: () => {
          remaining -= 200_000;
          return remaining;
        },
      },
    });
    // 400 s left → call 1; 200 s → call 2; 0 s → stop before call 3.
    await expect(loop().run(step)).resolves.toEqual({ status: 'continue', turns: 2, reason: '0 s left' });
    expect(requests).toHaveLength(2);

    // The next Lambda invocation: a fresh loop, same step key, a new deadline.
    const resumed = await loop().run({ ...step, remainingMs: () => 900_000 });
    expect(resumed).toMatchObject({ status: 'done', turns: 3 });
    expect(requests).toHaveLength(3);
    // It saw the whole conversation, the prompt once.
    const last = requests[2]?.messages ?? [];
    expect(last.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(JSON.stringify(last).match(/Implement the plan\./g)).toHaveLength(1);
  });

  it('records the usage of a model call the deadline stopped, and continues', async () => {
    const { port } = modelOf([
      (request) =>
        new Promise<ModelResponse>((_resolve, reject) => {
          request.signal.addEventListener('abort', () =>
            reject(new ModelCallAbortedError({ ...USAGE, outputTokens: 37 }, request.signal.reason)),
          );
        }),
    ]);
    // 31.2 s left with a 30 s margin: the call is stopped after about a second.
    const { loop, step, meter } = setup({
      model: port,
      limits: { reserveMs: 10_000 },
      step: { remainingMs: () => 31_200 },
    });
    await expect(loop().run(step)).resolves.toMatchObject({ status: 'continue' });
    expect(meter.calls).toEqual([
      expect.objectContaining({
        usage: { ...USAGE, outputTokens: 37 },
        note: 'stopped at the invocation deadline',
      }),
    ]);
  });

  it('resumes after a crash: a tool call without a stored result gets an error result, then the loop goes on', async () => {
    const { port, requests } = modelOf([() => answer(RESULT)]);
    const { loop, step } = setup({ model: port });
    // What a crashed invocation left: the prompt and a turn whose tool never reported back.
    await conversations.append(step.taskId, step.conversationId, {
      seq: 1,
      role: 'user',
      kind: MessageKind.Prompt,
      stepKey: step.stepKey,
      body: JSON.stringify({ content: [{ type: 'text', text: step.prompt }] }),
    });
    await conversations.append(step.taskId, step.conversationId, {
      seq: 2,
      role: 'assistant',
      kind: MessageKind.Turn,
      stepKey: step.stepKey,
      body: JSON.stringify({
        content: [{ type: 'toolUse', id: 'tu-lost', name: 'commitFiles', input: { repo: 'acme/app' } }],
        stopReason: 'tool_use',
        usage: USAGE,
      }),
    });
    await expect(loop().run(step)).resolves.toMatchObject({ status: 'done' });
    const repaired = requests[0]?.messages.at(-1)?.content[0] as ToolResultBlock;
    expect(repaired).toMatchObject({ type: 'toolResult', toolUseId: 'tu-lost', isError: true });
    expect(repaired.content).toMatch(/stopped before this tool call finished/);
    expect((await stored(step)).map((m) => m.kind)).toEqual([
      MessageKind.Prompt,
      MessageKind.Turn,
      MessageKind.Repair,
      MessageKind.Turn,
    ]);
  });

  it('compacts near the context window: the step continues from the model’s own summary', async () => {
    const github = groupOf();
    const big = { ...USAGE, inputTokens: 7_000 };
    const { port, requests } = modelOf([
      () => ({ ...toolUse('getFile', { repo: 'acme/app', path: 'a' }, 'tu-1'), usage: big }),
      (request) => {
        expect(request.purpose).toBe('summary');
        return answer('Read a; next: commit the change.');
      },
      () => answer(RESULT),
    ]);
    const { loop, step } = setup({
      model: port,
      groups: { 'github-discovery': github.invoke },
      step: { price: { ...(DEFAULT_MODEL_PRICES.scripted as LoopStep['price']), contextTokens: 8_000 } },
    });
    await expect(loop().run(step)).resolves.toMatchObject({ status: 'done' });
    expect(requests).toHaveLength(3);
    const afterSummary = requests[2]?.messages ?? [];
    expect(afterSummary).toHaveLength(1);
    const text = JSON.stringify(afterSummary[0]);
    expect(text).toContain('Implement the plan.');
    expect(text).toContain('Read a; next: commit the change.');
    const events = await timeline.list(step.taskId);
    expect(events.map((e) => e.type)).toContain('agent.compacted');
  });

  it('asks once for a correction, then fails with InvalidAgentOutput; a cut-off reply is asked to go on', async () => {
    const { port, requests } = modelOf([
      () => answer('I was about to', StopReason.MaxTokens),
      () => answer('No JSON here.'),
      () => answer('Still none.'),
    ]);
    const { loop, step } = setup({ model: port });
    await expect(loop().run(step)).rejects.toMatchObject({ name: 'InvalidAgentOutput' });
    expect(requests).toHaveLength(3);
    expect(JSON.stringify(requests[1]?.messages.at(-1))).toContain('cut off at the output token limit');
    expect(JSON.stringify(requests[2]?.messages.at(-1))).toContain('Reply with only the corrected JSON');
  });

  it('keeps oversized tool output out of the context and every stored item under the DynamoDB limit', async () => {
    const huge = 'x'.repeat(500_000);
    const github = groupOf(() => [200, huge]);
    const { port, requests } = modelOf([
      () => toolUse('getFile', { repo: 'acme/app', path: 'a' }),
      () => answer(RESULT),
    ]);
    const { loop, step } = setup({ model: port, groups: { 'github-discovery': github.invoke } });
    await expect(loop().run(step)).resolves.toMatchObject({ status: 'done' });
    const result = requests[1]?.messages.at(-1)?.content[0] as ToolResultBlock;
    expect(Buffer.byteLength(result.content)).toBeLessThanOrEqual(60_000);
    expect(result.content).toMatch(
      /\[tool output truncated: 500000 bytes, kept the first 60000; ask for less/,
    );
    for (const message of await stored(step))
      expect(Buffer.byteLength(message.body)).toBeLessThan(MAX_STORED_MESSAGE_BYTES);
  });

  it('starts a new step in the same conversation for a new fix attempt, with the earlier steps as context', async () => {
    const { port, requests } = modelOf([() => answer(RESULT)]);
    const { loop, step } = setup({ model: port });
    await loop().run(step);
    await loop().run({ ...step, stepKey: 'step-2', prompt: 'CI failed again; fix it.' });
    // A retry of the second step (same key) returns its stored result without calling the model again.
    await expect(
      loop().run({ ...step, stepKey: 'step-2', prompt: 'CI failed again; fix it.' }),
    ).resolves.toMatchObject({
      status: 'done',
    });
    expect(requests).toHaveLength(2);
    expect(requests[1]?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });
});
