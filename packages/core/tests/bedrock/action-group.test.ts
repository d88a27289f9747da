import {
  ActionError,
  type ActionGroupEvent,
  createActionGroupHandler,
  fitResponse,
  isActionGroupEvent,
  type OpenApiDocument,
} from '@enterprise-agents/core/bedrock';
import { silentLogger } from '@enterprise-agents/core/testing';

const doc: OpenApiDocument = {
  openapi: '3.0.0',
  info: { title: 'Test tools', version: '1.0.0' },
  paths: {
    '/files/{repo}': {
      post: {
        operationId: 'putFiles',
        description: 'Commit files',
        parameters: [{ name: 'repo', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['files', 'count'],
                properties: {
                  files: {
                    type: 'array',
                    items: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
                  },
                  count: { type: 'integer' },
                  draft: { type: 'boolean' },
                },
              },
            },
          },
        },
      },
    },
    '/boom': { get: { operationId: 'boom', description: 'Fails' } },
  },
};

const event = (overrides: Partial<ActionGroupEvent>): ActionGroupEvent => ({
  messageVersion: '1.0',
  actionGroup: 'tools',
  apiPath: '/files/{repo}',
  httpMethod: 'POST',
  sessionId: 's',
  sessionAttributes: { taskId: 'task-1' },
  promptSessionAttributes: { p: '1' },
  ...overrides,
});

const body = (response: Awaited<ReturnType<ReturnType<typeof createActionGroupHandler>>>) =>
  JSON.parse(response.response.responseBody['application/json'].body) as Record<string, unknown>;

describe('createActionGroupHandler', () => {
  const seen: unknown[] = [];
  const handler = createActionGroupHandler({
    documents: [doc],
    logger: silentLogger(),
    operations: {
      putFiles: async (args, ctx) => {
        seen.push({ args, taskId: ctx.taskId });
        if (args.repo === 'forbidden')
          throw new ActionError(403, 'repository outside the org', { hint: 'use acme/*' });
        return { ok: true };
      },
      boom: async () => {
        throw new Error('socket hang up at 10.0.0.1 token=abc');
      },
    },
  });

  it('decodes Bedrock string values by schema type and echoes the routing fields', async () => {
    const response = await handler(
      event({
        parameters: [{ name: 'repo', type: 'string', value: 'acme/app' }],
        requestBody: {
          content: {
            'application/json': {
              properties: [
                { name: 'files', type: 'array', value: '[{"path":"a.ts"}]' },
                { name: 'count', type: 'integer', value: '2' },
                { name: 'draft', type: 'boolean', value: 'false' },
              ],
            },
          },
        },
      }),
    );
    expect(response).toMatchObject({
      messageVersion: '1.0',
      response: { actionGroup: 'tools', apiPath: '/files/{repo}', httpMethod: 'POST', httpStatusCode: 200 },
      sessionAttributes: { taskId: 'task-1' },
      promptSessionAttributes: { p: '1' },
    });
    expect(typeof response.response.responseBody['application/json'].body).toBe('string');
    expect(seen.at(-1)).toEqual({
      args: { repo: 'acme/app', files: [{ path: 'a.ts' }], count: 2, draft: false },
      taskId: 'task-1',
    });
  });

  it('answers 400 with what is wrong for bad arguments', async () => {
    const response = await handler(
      event({
        parameters: [{ name: 'repo', value: 'acme/app' }],
        requestBody: {
          content: {
            'application/json': {
              properties: [
                { name: 'count', value: 'many' },
                { name: 'extra', value: 'x' },
              ],
            },
          },
        },
      }),
    );
    expect(response.response.httpStatusCode).toBe(400);
    const message = String(body(response).error);
    expect(message).toContain('invalid arguments for putFiles');
    expect(message).toMatch(/files/);
    expect(message).toMatch(/count must be integer/);
    expect(message).toMatch(/additional properties/);
  });

  it('maps ActionError to its status with details, and unexpected errors to a generic 502', async () => {
    const refused = await handler(
      event({
        parameters: [{ name: 'repo', value: 'forbidden' }],
        requestBody: {
          content: {
            'application/json': {
              properties: [
                { name: 'files', value: '[]' },
                { name: 'count', value: '0' },
              ],
            },
          },
        },
      }),
    );
    expect(refused.response.httpStatusCode).toBe(403);
    expect(body(refused)).toEqual({ error: 'repository outside the org', hint: 'use acme/*' });
    const failed = await handler(event({ apiPath: '/boom', httpMethod: 'GET' }));
    expect(failed.response.httpStatusCode).toBe(502);
    expect(JSON.stringify(body(failed))).not.toContain('token=abc');
  });

  it('answers 404 for an operation not in the schema', async () => {
    const response = await handler(event({ apiPath: '/merge', httpMethod: 'POST' }));
    expect(response.response.httpStatusCode).toBe(404);
  });

  it('refuses to build when a schema operation has no handler', () => {
    expect(() =>
      createActionGroupHandler({
        documents: [doc],
        logger: silentLogger(),
        operations: { putFiles: async () => ({}) },
      }),
    ).toThrow('operation boom (GET /boom) has no handler');
  });
});

describe('fitResponse', () => {
  const build = (body: string) =>
    ({
      messageVersion: '1.0',
      response: {
        actionGroup: 'github-ci',
        apiPath: '/github/ci/jobs/log',
        httpMethod: 'GET',
        httpStatusCode: 200,
        responseBody: { 'application/json': { body } },
      },
      sessionAttributes: { taskId: 't' },
      promptSessionAttributes: {},
    }) as const;
  const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

  it('keeps a response that fits as it is', () => {
    expect(fitResponse(build, '{"a":1}', 1000)).toEqual(build('{"a":1}'));
  });

  it.each([
    ['plain text', JSON.stringify({ log: 'x'.repeat(50_000) })],
    // A CI log: quotes, backslashes and newlines double when the body is serialized inside the response.
    ['escape-heavy text', JSON.stringify({ log: '"\\n"\n\t"é€'.repeat(8_000) })],
    ['control characters', JSON.stringify({ log: '\u0001\u0002'.repeat(20_000) })],
  ])('cuts %s so the whole serialized response fits the limit', (_label, body) => {
    const fitted = fitResponse(build, body, 20_000);
    expect(size(fitted)).toBeLessThanOrEqual(20_000);
    // Not cut much more than needed: the preview fills most of the room.
    expect(size(fitted)).toBeGreaterThan(19_000);
    const cut = JSON.parse(fitted.response.responseBody['application/json'].body);
    expect(cut).toMatchObject({ truncated: true, note: expect.stringContaining('cut to fit 20000') });
    expect(body.startsWith(cut.preview)).toBe(true);
  });
});

describe('isActionGroupEvent', () => {
  it('tells Bedrock action-group events from Step Functions payloads', () => {
    expect(isActionGroupEvent(event({}))).toBe(true);
    expect(isActionGroupEvent({ action: 'registerCiWait', apiPath: 1 })).toBe(false);
    expect(isActionGroupEvent({ apiPath: '/x' })).toBe(false);
    expect(isActionGroupEvent(null)).toBe(false);
    expect(isActionGroupEvent('x')).toBe(false);
  });
});
