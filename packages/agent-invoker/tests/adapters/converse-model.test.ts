import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import { ConverseModel, toStopReason } from '../../src/adapters/converse-model';
import { parseToolInput } from '../../src/adapters/streamed-turn';
import { InvokerErrorName } from '../../src/domain/errors';
import { ModelCallAbortedError, type ModelRequest, StopReason } from '../../src/domain/model';
import { closed, type Loopback, type LoopbackResponse, startLoopback } from './loopback';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value: string) => ({ type: 'string' as const, value });

/** One ConverseStream event, framed as Bedrock sends it (application/vnd.amazon.eventstream). */
const event = (type: string, body: Record<string, unknown>): Uint8Array =>
  codec.encode({
    headers: {
      ':event-type': str(type),
      ':content-type': str('application/json'),
      ':message-type': str('event'),
    },
    body: fromUtf8(JSON.stringify(body)),
  });

/** A modeled in-stream exception (`:message-type` exception). */
const exception = (type: string, message: string): Uint8Array =>
  codec.encode({
    headers: {
      ':exception-type': str(type),
      ':content-type': str('application/json'),
      ':message-type': str('exception'),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });

const streamHead = (res: LoopbackResponse) =>
  res.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': 'req-1',
  });

/** A complete streamed answer. */
const stream =
  (...frames: Uint8Array[]) =>
  (_req: unknown, res: LoopbackResponse) => {
    streamHead(res);
    for (const frame of frames) res.write(frame);
    res.end();
  };

/** An HTTP error as the restJson1 protocol sends it. */
const httpError =
  (status: number, type: string, message: string) => (_req: unknown, res: LoopbackResponse) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:http://internal/`,
    });
    res.end(JSON.stringify({ message }));
  };

const MODEL = 'global.anthropic.claude-sonnet-4-6';

const request = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  modelId: MODEL,
  system: 'You are the planning agent.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Plan JIRA-1.' }] }],
  tools: [
    {
      name: 'getFile',
      description: 'Reads a file of a repository.',
      inputSchema: {
        type: 'object',
        properties: { repo: { type: 'string' }, path: { type: 'string' } },
        required: ['repo', 'path'],
      },
    },
    {
      name: 'createBranch',
      description: 'Creates a branch.',
      inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
  ],
  maxOutputTokens: 4096,
  signal: new AbortController().signal,
  conversationId: 'task-1-r1-planning',
  ...overrides,
});

describe('ConverseModel over a loopback Bedrock runtime', () => {
  let server: Loopback;
  let model: ConverseModel;
  let client: BedrockRuntimeClient;

  beforeAll(async () => {
    server = await startLoopback({ http2: true });
    client = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' },
      maxAttempts: 1,
    });
    model = new ConverseModel(client);
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('sends system, tools and messages with cache points, and assembles a tool-use turn from input fragments', async () => {
    server.respond(
      stream(
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Let me read ' } }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'the README.' } }),
        event('contentBlockStop', { contentBlockIndex: 0 }),
        event('contentBlockStart', {
          contentBlockIndex: 1,
          start: { toolUse: { toolUseId: 'tooluse_1', name: 'getFile' } },
        }),
        event('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"repo":"acme/' } } }),
        event('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: 'app","path":' } } }),
        event('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '"README.md"}' } } }),
        event('contentBlockStop', { contentBlockIndex: 1 }),
        event('contentBlockStart', {
          contentBlockIndex: 2,
          start: { toolUse: { toolUseId: 'tooluse_2', name: 'createBranch' } },
        }),
        event('contentBlockDelta', {
          contentBlockIndex: 2,
          delta: { toolUse: { input: '{"name": "agent/' } },
        }),
        event('contentBlockStop', { contentBlockIndex: 2 }),
        event('messageStop', { stopReason: 'tool_use' }),
        event('metadata', {
          usage: {
            inputTokens: 120,
            outputTokens: 45,
            totalTokens: 4165,
            cacheReadInputTokens: 3000,
            cacheWriteInputTokens: 1000,
          },
          metrics: { latencyMs: 812 },
        }),
      ),
    );

    const response = await model.converse(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Plan JIRA-1.' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Reading two files.' },
              { type: 'toolUse', id: 'tu_a', name: 'getFile', input: { repo: 'acme/app', path: 'a.ts' } },
              { type: 'toolUse', id: 'tu_b', name: 'getFile', input: '{"repo": broken' },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Keep going.' },
              { type: 'toolResult', toolUseId: 'tu_a', content: '{"content":"x"}', isError: false },
              { type: 'toolResult', toolUseId: 'tu_b', content: 'HTTP 404: not found', isError: true },
            ],
          },
        ],
      }),
    );

    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe(`/model/${MODEL}/converse-stream`);
    expect(sent?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOOPBACK\/\d{8}\/us-east-1\/bedrock\//,
    );
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      system: [{ text: 'You are the planning agent.' }, { cachePoint: { type: 'default' } }],
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'getFile',
              description: 'Reads a file of a repository.',
              inputSchema: {
                json: {
                  type: 'object',
                  properties: { repo: { type: 'string' }, path: { type: 'string' } },
                  required: ['repo', 'path'],
                },
              },
            },
          },
          {
            toolSpec: {
              name: 'createBranch',
              description: 'Creates a branch.',
              inputSchema: {
                json: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
              },
            },
          },
          { cachePoint: { type: 'default' } },
        ],
      },
      messages: [
        { role: 'user', content: [{ text: 'Plan JIRA-1.' }] },
        {
          role: 'assistant',
          content: [
            { text: 'Reading two files.' },
            { toolUse: { toolUseId: 'tu_a', name: 'getFile', input: { repo: 'acme/app', path: 'a.ts' } } },
            // Unparseable input is replayed as an empty object (the API accepts only objects).
            { toolUse: { toolUseId: 'tu_b', name: 'getFile', input: {} } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'tu_a', content: [{ text: '{"content":"x"}' }], status: 'success' } },
            {
              toolResult: { toolUseId: 'tu_b', content: [{ text: 'HTTP 404: not found' }], status: 'error' },
            },
            // Tool results open the turn; the text follows.
            { text: 'Keep going.' },
          ],
        },
      ],
      inferenceConfig: { maxTokens: 4096 },
    });

    expect(response).toEqual({
      content: [
        { type: 'text', text: 'Let me read the README.' },
        { type: 'toolUse', id: 'tooluse_1', name: 'getFile', input: { repo: 'acme/app', path: 'README.md' } },
        // Cut-off JSON is passed through raw so the loop can answer with a clear error.
        { type: 'toolUse', id: 'tooluse_2', name: 'createBranch', input: '{"name": "agent/' },
      ],
      stopReason: StopReason.ToolUse,
      usage: { inputTokens: 120, outputTokens: 45, cacheReadTokens: 3000, cacheWriteTokens: 1000 },
    });
  });

  it('returns a final text turn with end_turn, and sends no toolConfig without tools', async () => {
    server.respond(
      stream(
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: '```json\n{"plan":' } }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: ' "done"}\n```' } }),
        event('contentBlockStop', { contentBlockIndex: 0 }),
        event('messageStop', { stopReason: 'end_turn' }),
        event('metadata', {
          usage: { inputTokens: 10, outputTokens: 12, totalTokens: 22 },
          metrics: { latencyMs: 90 },
        }),
      ),
    );

    const response = await model.converse(request({ tools: [] }));

    const body = JSON.parse(server.requests[0]?.body ?? '') as Record<string, unknown>;
    expect(body.toolConfig).toBeUndefined();
    expect(response).toEqual({
      content: [{ type: 'text', text: '```json\n{"plan": "done"}\n```' }],
      stopReason: StopReason.EndTurn,
      usage: { inputTokens: 10, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });

  it('maps a context-window stop to max_tokens', async () => {
    server.respond(
      stream(
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'partial' } }),
        event('messageStop', { stopReason: 'model_context_window_exceeded' }),
        event('metadata', { usage: { inputTokens: 199000, outputTokens: 1000, totalTokens: 200000 } }),
      ),
    );
    const response = await model.converse(request());
    expect(response.stopReason).toBe(StopReason.MaxTokens);
  });

  it.each([
    ['throttlingException', InvokerErrorName.AgentThrottled],
    ['serviceUnavailableException', InvokerErrorName.AgentUnavailable],
    ['modelStreamErrorException', InvokerErrorName.AgentUnavailable],
    ['internalServerException', InvokerErrorName.AgentUnavailable],
    ['validationException', InvokerErrorName.AgentInvocationFailed],
  ])('maps the in-stream %s to %s', async (type, name) => {
    server.respond(
      stream(
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hello' } }),
        exception(type, `in-stream ${type}`),
      ),
    );
    const error = await model.converse(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe(name);
    expect((error as Error).message).toContain(`in-stream ${type}`);
  });

  it.each([
    [429, 'ThrottlingException', InvokerErrorName.AgentThrottled],
    [503, 'ServiceUnavailableException', InvokerErrorName.AgentUnavailable],
    [500, 'InternalServerException', InvokerErrorName.AgentUnavailable],
    [403, 'AccessDeniedException', InvokerErrorName.AgentInvocationFailed],
    [400, 'ValidationException', InvokerErrorName.AgentInvocationFailed],
  ])('maps HTTP %i %s to %s', async (status, type, name) => {
    server.respond(httpError(status, type, `http ${type}`));
    const error = await model.converse(request()).catch((e: unknown) => e);
    expect((error as Error).name).toBe(name);
    expect((error as Error).message).toContain(type);
  });

  it('fails as AgentUnavailable when the stream ends before messageStop', async () => {
    server.respond(
      stream(
        event('messageStart', { role: 'assistant' }),
        event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' } }),
      ),
    );
    const error = await model.converse(request()).catch((e: unknown) => e);
    expect((error as Error).name).toBe(InvokerErrorName.AgentUnavailable);
    expect((error as Error).message).toMatch(/before messageStop/);
  });

  it('stops reading when the signal aborts mid-stream and reports the estimated usage so far', async () => {
    const controller = new AbortController();
    let responseClosed: Promise<void> = Promise.resolve();
    let wrote: () => void = () => undefined;
    const streaming = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    server.respond((_req, res) => {
      streamHead(res);
      res.write(event('messageStart', { role: 'assistant' }));
      // 40 characters of text, then tool input, then silence: the model is "still thinking".
      res.write(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'x'.repeat(40) } }));
      res.write(
        event('contentBlockStart', {
          contentBlockIndex: 1,
          start: { toolUse: { toolUseId: 'tooluse_9', name: 'getFile' } },
        }),
      );
      res.write(
        event('contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"repo":"a' } } }),
      );
      responseClosed = closed(res);
      setTimeout(wrote, 100);
    });

    const call = model.converse(request({ signal: controller.signal })).catch((e: unknown) => e);
    await streaming;
    controller.abort(new Error('deadline'));
    const error = await call;

    expect(error).toBeInstanceOf(ModelCallAbortedError);
    const aborted = error as ModelCallAbortedError;
    expect(aborted.reason).toEqual(new Error('deadline'));
    // 40 text + 10 tool-input chars streamed → 13 output tokens; no metadata yet, so the
    // input is estimated from the request Bedrock accepted (> 0).
    expect(aborted.usage.outputTokens).toBe(13);
    expect(aborted.usage.inputTokens).toBeGreaterThan(50);
    expect(aborted.usage.cacheReadTokens).toBe(0);
    // The HTTP response is abandoned, not left open.
    await expect(responseClosed).resolves.toBeUndefined();
  });

  it('throws ModelCallAbortedError with zero usage when the signal aborted before the call', async () => {
    const controller = new AbortController();
    controller.abort(new Error('budget'));
    const error = await model.converse(request({ signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallAbortedError);
    expect((error as ModelCallAbortedError).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('ConverseModel helpers', () => {
  it('parses tool input, keeping unparseable text raw and empty input as {}', () => {
    expect(parseToolInput('{"a":1}')).toEqual({ a: 1 });
    expect(parseToolInput('')).toEqual({});
    expect(parseToolInput('{"a":')).toBe('{"a":');
  });

  it.each([
    ['end_turn', false, StopReason.EndTurn],
    ['tool_use', true, StopReason.ToolUse],
    ['max_tokens', false, StopReason.MaxTokens],
    ['stop_sequence', false, StopReason.StopSequence],
    ['content_filtered', false, StopReason.ContentFiltered],
    ['guardrail_intervened', false, StopReason.GuardrailIntervened],
    ['malformed_tool_use', true, StopReason.ToolUse],
    ['malformed_model_output', false, StopReason.EndTurn],
  ])('maps stop reason %s (tool calls: %s) to %s', (raw, hasToolUse, expected) => {
    expect(toStopReason(raw, hasToolUse)).toBe(expected);
  });
});
