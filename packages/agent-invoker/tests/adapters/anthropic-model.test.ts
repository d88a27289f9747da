import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ANTHROPIC_API_VERSION, AnthropicModel } from '../../src/adapters/anthropic-model';
import { InvokerErrorName } from '../../src/domain/errors';
import { ModelCallAbortedError, type ModelRequest, StopReason } from '../../src/domain/model';
import { closed, type Loopback, type LoopbackResponse, startLoopback } from './loopback';

type Sse = [event: string, data: Record<string, unknown>];

const encodeSse = (events: Sse[], newline = '\n'): string =>
  events
    .map(([name, data]) => `event: ${name}${newline}data: ${JSON.stringify(data)}${newline}${newline}`)
    .join('');

const sseHead = (res: LoopbackResponse) =>
  res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_loopback' });

/** A complete SSE answer, optionally cut into small chunks to exercise the parser. */
const sse =
  (events: Sse[], { chunk, newline }: { chunk?: number; newline?: string } = {}) =>
  async (_req: unknown, res: LoopbackResponse) => {
    sseHead(res);
    const text = encodeSse(events, newline);
    if (chunk === undefined) res.write(text);
    else
      for (let i = 0; i < text.length; i += chunk) {
        res.write(text.slice(i, i + chunk));
        await new Promise((resolve) => setImmediate(resolve));
      }
    res.end();
  };

const apiError =
  (status: number, type: string, message: string) => (_req: unknown, res: LoopbackResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_err' });
    res.end(JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_err' }));
  };

const messageStart = (usage: Record<string, number>): Sse => [
  'message_start',
  {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  },
];
const textStart = (index: number): Sse => [
  'content_block_start',
  { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
];
const textDelta = (index: number, text: string): Sse => [
  'content_block_delta',
  { type: 'content_block_delta', index, delta: { type: 'text_delta', text } },
];
const toolStart = (index: number, id: string, name: string): Sse => [
  'content_block_start',
  { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } },
];
const jsonDelta = (index: number, partial: string): Sse => [
  'content_block_delta',
  { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } },
];
const blockStop = (index: number): Sse => ['content_block_stop', { type: 'content_block_stop', index }];
const messageDelta = (stopReason: string, usage: Record<string, number>): Sse => [
  'message_delta',
  { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage },
];
const messageStop: Sse = ['message_stop', { type: 'message_stop' }];
const ping: Sse = ['ping', { type: 'ping' }];

const request = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  modelId: 'claude-sonnet-4-6',
  system: 'You are the planning agent.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Plan JIRA-1.' }] }],
  tools: [
    {
      name: 'getFile',
      description: 'Reads a file of a repository.',
      inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
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

describe('AnthropicModel over a loopback Messages API', () => {
  let server: Loopback;
  let model: AnthropicModel;
  let keyLoads = 0;

  beforeAll(async () => {
    server = await startLoopback();
    model = new AnthropicModel({
      baseUrl: `${server.url}/`,
      apiKey: async () => {
        keyLoads += 1;
        return 'sk-ant-loopback';
      },
    });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it('sends the mapped request with cache_control and reads a streamed tool-use turn', async () => {
    server.respond(
      sse([
        messageStart({
          input_tokens: 150,
          output_tokens: 1,
          cache_read_input_tokens: 2800,
          cache_creation_input_tokens: 900,
        }),
        textStart(0),
        textDelta(0, 'Reading '),
        ping,
        textDelta(0, 'the README.'),
        blockStop(0),
        toolStart(1, 'toolu_1', 'getFile'),
        jsonDelta(1, ''),
        jsonDelta(1, '{"path": "READ'),
        jsonDelta(1, 'ME.md"}'),
        blockStop(1),
        toolStart(2, 'toolu_2', 'createBranch'),
        jsonDelta(2, '{"name": '),
        blockStop(2),
        messageDelta('tool_use', { output_tokens: 61 }),
        messageStop,
      ]),
    );
    const loadsBefore = keyLoads;

    const response = await model.converse(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Plan JIRA-1.' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Two files.' },
              { type: 'toolUse', id: 'tu_a', name: 'getFile', input: { path: 'a.ts' } },
              { type: 'toolUse', id: 'tu_b', name: 'getFile', input: '{"path": broken' },
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

    expect(keyLoads).toBe(loadsBefore + 1);
    const [sent] = server.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/messages');
    expect(sent?.headers['x-api-key']).toBe('sk-ant-loopback');
    expect(sent?.headers['anthropic-version']).toBe(ANTHROPIC_API_VERSION);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 4096,
      stream: true,
      system: [{ type: 'text', text: 'You are the planning agent.', cache_control: { type: 'ephemeral' } }],
      tools: [
        {
          name: 'getFile',
          description: 'Reads a file of a repository.',
          input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
        },
        {
          name: 'createBranch',
          description: 'Creates a branch.',
          input_schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
          cache_control: { type: 'ephemeral' },
        },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Plan JIRA-1.' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Two files.' },
            { type: 'tool_use', id: 'tu_a', name: 'getFile', input: { path: 'a.ts' } },
            { type: 'tool_use', id: 'tu_b', name: 'getFile', input: {} },
          ],
        },
        {
          role: 'user',
          // Tool results first, then the text.
          content: [
            { type: 'tool_result', tool_use_id: 'tu_a', content: '{"content":"x"}', is_error: false },
            { type: 'tool_result', tool_use_id: 'tu_b', content: 'HTTP 404: not found', is_error: true },
            { type: 'text', text: 'Keep going.' },
          ],
        },
      ],
    });
    expect(response).toEqual({
      content: [
        { type: 'text', text: 'Reading the README.' },
        { type: 'toolUse', id: 'toolu_1', name: 'getFile', input: { path: 'README.md' } },
        { type: 'toolUse', id: 'toolu_2', name: 'createBranch', input: '{"name": ' },
      ],
      stopReason: StopReason.ToolUse,
      usage: { inputTokens: 150, outputTokens: 61, cacheReadTokens: 2800, cacheWriteTokens: 900 },
    });
  });

  it('reads a final text turn from CRLF events cut into 5-byte chunks', async () => {
    server.respond(
      sse(
        [
          messageStart({ input_tokens: 20, output_tokens: 1 }),
          textStart(0),
          textDelta(0, '```json\n{"ok": '),
          textDelta(0, 'true}\n```'),
          blockStop(0),
          messageDelta('end_turn', { output_tokens: 9 }),
          messageStop,
        ],
        { chunk: 5, newline: '\r\n' },
      ),
    );
    const response = await model.converse(request({ tools: [] }));
    expect(JSON.parse(server.requests[0]?.body ?? '').tools).toBeUndefined();
    expect(response).toEqual({
      content: [{ type: 'text', text: '```json\n{"ok": true}\n```' }],
      stopReason: StopReason.EndTurn,
      usage: { inputTokens: 20, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });

  it.each([
    ['refusal', StopReason.ContentFiltered],
    ['max_tokens', StopReason.MaxTokens],
    ['model_context_window_exceeded', StopReason.MaxTokens],
    ['stop_sequence', StopReason.StopSequence],
  ])('maps stop reason %s to %s', async (raw, expected) => {
    server.respond(
      sse([
        messageStart({ input_tokens: 5, output_tokens: 1 }),
        textStart(0),
        textDelta(0, 'x'),
        messageDelta(raw, { output_tokens: 2 }),
        messageStop,
      ]),
    );
    expect((await model.converse(request())).stopReason).toBe(expected);
  });

  it.each([
    [429, 'rate_limit_error', InvokerErrorName.AgentThrottled],
    [529, 'overloaded_error', InvokerErrorName.AgentThrottled],
    [500, 'api_error', InvokerErrorName.AgentUnavailable],
    [503, 'api_error', InvokerErrorName.AgentUnavailable],
    [400, 'invalid_request_error', InvokerErrorName.AgentInvocationFailed],
    [401, 'authentication_error', InvokerErrorName.AgentInvocationFailed],
    [404, 'not_found_error', InvokerErrorName.AgentInvocationFailed],
  ])('maps HTTP %i %s to %s', async (status, type, name) => {
    server.respond(apiError(status, type, `the ${type} message`));
    const error = (await model.converse(request()).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe(name);
    expect(error.message).toContain(`HTTP ${status} ${type}: the ${type} message (request-id req_err)`);
    expect(error.message).not.toContain('sk-ant-loopback');
  });

  it.each([
    ['overloaded_error', InvokerErrorName.AgentThrottled],
    ['api_error', InvokerErrorName.AgentUnavailable],
    ['invalid_request_error', InvokerErrorName.AgentInvocationFailed],
  ])('maps an in-stream %s error event to %s', async (type, name) => {
    server.respond(
      sse([
        messageStart({ input_tokens: 5, output_tokens: 1 }),
        textStart(0),
        textDelta(0, 'Hel'),
        ['error', { type: 'error', error: { type, message: 'mid-stream' } }],
      ]),
    );
    const error = (await model.converse(request()).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe(name);
    expect(error.message).toContain(`in-stream ${type}: mid-stream`);
  });

  it('fails as AgentUnavailable when the stream ends before message_stop', async () => {
    server.respond(
      sse([messageStart({ input_tokens: 5, output_tokens: 1 }), textStart(0), textDelta(0, 'Hel')]),
    );
    const error = (await model.converse(request()).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe(InvokerErrorName.AgentUnavailable);
    expect(error.message).toMatch(/before message_stop/);
  });

  it('stops reading when the signal aborts mid-stream: real input and cache counts, estimated output', async () => {
    const controller = new AbortController();
    let responseClosed: Promise<void> = Promise.resolve();
    let wrote: () => void = () => undefined;
    const streaming = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    server.respond((_req, res) => {
      sseHead(res);
      res.write(
        encodeSse([
          messageStart({ input_tokens: 300, output_tokens: 1, cache_read_input_tokens: 5000 }),
          textStart(0),
          textDelta(0, 'y'.repeat(30)),
          toolStart(1, 'toolu_9', 'getFile'),
          jsonDelta(1, '{"path":"a'),
        ]),
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
    // 30 text + 10 tool-input chars → 10 output tokens; input and cache as message_start said.
    expect(aborted.usage).toEqual({
      inputTokens: 300,
      outputTokens: 10,
      cacheReadTokens: 5000,
      cacheWriteTokens: 0,
    });
    await expect(responseClosed).resolves.toBeUndefined();
  });

  it('estimates the input from the request when aborted after the response began but before message_start', async () => {
    const controller = new AbortController();
    let wrote: () => void = () => undefined;
    const streaming = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    server.respond((_req, res) => {
      sseHead(res);
      res.write(': keep-alive\n\n');
      setTimeout(wrote, 100);
    });
    const call = model.converse(request({ signal: controller.signal })).catch((e: unknown) => e);
    await streaming;
    controller.abort(new Error('deadline'));
    const aborted = (await call) as ModelCallAbortedError;
    expect(aborted).toBeInstanceOf(ModelCallAbortedError);
    const sentChars = server.requests[0]?.body.length ?? 0;
    expect(aborted.usage.inputTokens).toBe(Math.ceil(sentChars / 4));
    expect(aborted.usage.outputTokens).toBe(0);
  });

  it('maps a key that cannot be loaded to AgentInvocationFailed without calling the API', async () => {
    const failing = new AnthropicModel({
      baseUrl: server.url,
      apiKey: async () => {
        throw Object.assign(new Error('secret arn:x has no string value'), { name: 'ConfigError' });
      },
    });
    const error = (await failing.converse(request()).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe(InvokerErrorName.AgentInvocationFailed);
    expect(error.message).toContain('could not load the Anthropic API key');
    expect(server.requests).toHaveLength(0);
  });

  it('maps a refused connection to AgentUnavailable', async () => {
    const gone = await startLoopback();
    await gone.close();
    const unreachable = new AnthropicModel({ baseUrl: gone.url, apiKey: async () => 'k' });
    const error = (await unreachable.converse(request()).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe(InvokerErrorName.AgentUnavailable);
    expect(error.message).toContain('ECONNREFUSED');
  });
});
