import { LambdaClient } from '@aws-sdk/client-lambda';
import type { ActionGroupEvent, ActionGroupResponse } from '@enterprise-agents/core/bedrock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { lambdaActionGroups, ToolDispatchError } from '../../src/adapters/lambda-action-groups';
import { InvokerErrorName } from '../../src/domain/errors';
import { type Loopback, type LoopbackResponse, startLoopback } from './loopback';

const GITHUB_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:ea-github-actions';

const event = (overrides: Partial<ActionGroupEvent> = {}): ActionGroupEvent => ({
  messageVersion: '1.0',
  agent: { name: 'planning-agent', id: 'CONVERSE', alias: 'LOOP', version: '1' },
  inputText: '',
  sessionId: 'task-1-r1-planning',
  actionGroup: 'github-planning',
  apiPath: '/branches',
  httpMethod: 'POST',
  parameters: [],
  requestBody: {
    content: { 'application/json': { properties: [{ name: 'name', type: 'string', value: 'agent/x' }] } },
  },
  sessionAttributes: { taskId: 'task-1' },
  promptSessionAttributes: {},
  ...overrides,
});

const answer = (status: number, body: unknown): ActionGroupResponse => ({
  messageVersion: '1.0',
  response: {
    actionGroup: 'github-planning',
    apiPath: '/branches',
    httpMethod: 'POST',
    httpStatusCode: status,
    responseBody: { 'application/json': { body: JSON.stringify(body) } },
  },
  sessionAttributes: {},
  promptSessionAttributes: {},
});

/** A Lambda Invoke REST answer: 200 with the function's payload, `X-Amz-Function-Error` when it failed. */
const invoked = (payload: string, functionError?: string) => (_req: unknown, res: LoopbackResponse) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'x-amz-executed-version': '$LATEST',
    ...(functionError === undefined ? {} : { 'x-amz-function-error': functionError }),
  });
  res.end(payload);
};

const lambdaError =
  (status: number, type: string, message: string) => (_req: unknown, res: LoopbackResponse) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:http://internal/`,
    });
    res.end(JSON.stringify({ Type: 'User', message }));
  };

describe('lambdaActionGroups over a loopback Lambda Invoke API', () => {
  let server: Loopback;
  let client: LambdaClient;
  let groups: ReturnType<typeof lambdaActionGroups>;

  beforeAll(async () => {
    server = await startLoopback();
    client = new LambdaClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' },
      maxAttempts: 1,
    });
    groups = lambdaActionGroups(client, {
      'github-planning': GITHUB_ARN,
      'github-discovery': GITHUB_ARN,
      jira: 'ea-jira-actions',
    });
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('builds one invoker per action group', () => {
    expect(Object.keys(groups).sort()).toEqual(['github-discovery', 'github-planning', 'jira']);
  });

  it('invokes the group function synchronously with the event and returns its response', async () => {
    const expected = answer(201, { branch: 'agent/x' });
    server.respond(invoked(JSON.stringify(expected)));
    const sentEvent = event();

    const response = await groups['github-planning']?.(sentEvent);

    expect(response).toEqual(expected);
    const [sent] = server.requests;
    expect(sent?.method).toBe('POST');
    expect(decodeURIComponent(sent?.url ?? '')).toBe(`/2015-03-31/functions/${GITHUB_ARN}/invocations`);
    expect(sent?.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(sent?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOOPBACK\/\d{8}\/us-east-1\/lambda\//,
    );
    expect(JSON.parse(sent?.body ?? '')).toEqual(sentEvent);
  });

  it('routes each group to its own function', async () => {
    server.respond(invoked(JSON.stringify(answer(200, { issue: 'JIRA-1' }))));
    await groups.jira?.(event({ actionGroup: 'jira', apiPath: '/issues/{key}', httpMethod: 'GET' }));
    expect(server.requests[0]?.url).toBe('/2015-03-31/functions/ea-jira-actions/invocations');
  });

  it('turns a function error into a ToolDispatchError with type and message, never the trace', async () => {
    server.respond(
      invoked(
        JSON.stringify({
          errorType: 'TypeError',
          errorMessage: "Cannot read properties of undefined (reading 'sha')",
          trace: ['TypeError: Cannot read properties', '    at handler (/var/task/index.js:1:2345)'],
        }),
        'Unhandled',
      ),
    );
    const error = await groups['github-planning']?.(event()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolDispatchError);
    const dispatch = error as ToolDispatchError;
    expect(dispatch.name).toBe('ToolDispatchError');
    expect(dispatch.functionName).toBe(GITHUB_ARN);
    expect(dispatch.actionGroup).toBe('github-planning');
    expect(dispatch.message).toBe(
      "the github-planning action group failed on POST /branches (TypeError: Cannot read properties of undefined (reading 'sha'))",
    );
    expect(dispatch.message).not.toContain('/var/task');
  });

  it('turns a timed-out function (function error, no JSON payload) into a ToolDispatchError', async () => {
    server.respond(invoked('Task timed out after 30.03 seconds', 'Unhandled'));
    const error = (await groups['github-planning']?.(event()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ToolDispatchError);
    expect(error.message).toBe('the github-planning action group failed on POST /branches (Unhandled)');
  });

  it.each([
    ['not JSON', '<html>oops</html>', 'a payload that is not JSON'],
    ['empty', '', 'an empty payload'],
    [
      'not an action-group response',
      '{"statusCode":200,"body":"{}"}',
      'JSON that is not an action-group response',
    ],
    ['null', 'null', 'JSON that is not an action-group response'],
  ])('turns a %s payload into a ToolDispatchError', async (_label, payload, phrase) => {
    server.respond(invoked(payload));
    const error = (await groups['github-planning']?.(event()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ToolDispatchError);
    expect(error.message).toBe(`the github-planning action group returned ${phrase} for POST /branches`);
  });

  it.each([
    [429, 'TooManyRequestsException', InvokerErrorName.AgentThrottled],
    [500, 'ServiceException', InvokerErrorName.AgentUnavailable],
    [409, 'ResourceConflictException', InvokerErrorName.AgentUnavailable],
    [404, 'ResourceNotFoundException', 'ToolDispatchError'],
    [403, 'AccessDeniedException', 'ToolDispatchError'],
  ])('maps Lambda HTTP %i %s to %s', async (status, type, name) => {
    server.respond(lambdaError(status, type, `${type} from Lambda`));
    const error = (await groups['github-planning']?.(event()).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe(name);
    expect(error.message).toContain(
      `Lambda Invoke of ${GITHUB_ARN} (github-planning POST /branches) failed: ${type}`,
    );
  });
});
