import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ActionGroupEvent, ActionGroupResponse } from '@enterprise-agents/core/bedrock';
import { clip } from '@enterprise-agents/core/util';
import { AgentThrottledError, AgentUnavailableError } from '../domain/errors';
import type { ActionGroupInvoker } from '../domain/tools';

/**
 * A tool call the action-group Lambda could not answer: the function failed
 * (FunctionError), returned something that is not an action-group response, or
 * Lambda refused the invocation for a reason retrying does not fix. The loop
 * turns it into an error tool result; the message names the function and the
 * failure, never a stack trace.
 */
export class ToolDispatchError extends Error {
  constructor(
    readonly functionName: string,
    readonly actionGroup: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ToolDispatchError';
  }
}

const THROTTLED = new Set(['TooManyRequestsException', 'EC2ThrottledException']);
/** Lambda-side conditions that pass: a function being updated or not yet active, a service fault. */
const TRANSIENT = new Set([
  'ServiceException',
  'ResourceConflictException',
  'ResourceNotReadyException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);
const MAX_MESSAGE = 300;

/** The error itself when it looks like one (errors from another realm, e.g. undici's, fail instanceof). */
const asError = (error: unknown): Error =>
  typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
    ? (error as Error)
    : new Error(String(error));

const isActionGroupResponse = (value: unknown): value is ActionGroupResponse => {
  const response = (value as { response?: Record<string, unknown> } | null)?.response;
  const body = (response?.responseBody as Record<string, { body?: unknown } | undefined> | undefined)?.[
    'application/json'
  ]?.body;
  return typeof response?.httpStatusCode === 'number' && typeof body === 'string';
};

/**
 * Invokes one action-group Lambda synchronously (RequestResponse) with the
 * Bedrock-shaped event and returns its response. Throttling is AgentThrottled
 * and a Lambda service fault AgentUnavailable (retried by the state machine);
 * everything else that keeps the call from producing an answer is a
 * ToolDispatchError.
 */
export const lambdaActionGroup =
  (client: LambdaClient, functionName: string): ActionGroupInvoker =>
  async (event: ActionGroupEvent): Promise<ActionGroupResponse> => {
    const what = `${event.actionGroup} ${event.httpMethod} ${event.apiPath}`;
    let output: InvokeCommandOutput;
    try {
      output = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
    } catch (error) {
      const err = asError(error);
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const code = (err as { code?: string }).code;
      const message = `Lambda Invoke of ${functionName} (${what}) failed: ${err.name}${err.message === '' ? '' : `: ${clip(err.message, MAX_MESSAGE)}`}`;
      if (THROTTLED.has(err.name) || status === 429) throw new AgentThrottledError(message, err);
      if (
        TRANSIENT.has(err.name) ||
        (code !== undefined && TRANSIENT.has(code)) ||
        (status !== undefined && status >= 500)
      )
        throw new AgentUnavailableError(message, err);
      throw new ToolDispatchError(functionName, event.actionGroup, message, { cause: err });
    }

    // Typed Uint8Array | undefined, but an empty payload arrives as null.
    const bytes: Uint8Array | null | undefined = output.Payload;
    const text = bytes === undefined || bytes === null ? '' : new TextDecoder().decode(bytes);
    let payload: unknown;
    try {
      payload = text === '' ? undefined : JSON.parse(text);
    } catch {
      payload = undefined;
    }
    if (output.FunctionError !== undefined) {
      // {"errorType","errorMessage","trace"}: the type and message only, never the trace.
      const failure = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown };
      const type = typeof failure.errorType === 'string' ? failure.errorType : output.FunctionError;
      const detail =
        typeof failure.errorMessage === 'string' ? `: ${clip(failure.errorMessage, MAX_MESSAGE)}` : '';
      throw new ToolDispatchError(
        functionName,
        event.actionGroup,
        `the ${event.actionGroup} action group failed on ${event.httpMethod} ${event.apiPath} (${type}${detail})`,
      );
    }
    if (!isActionGroupResponse(payload))
      throw new ToolDispatchError(
        functionName,
        event.actionGroup,
        `the ${event.actionGroup} action group returned ${payload === undefined ? (text === '' ? 'an empty payload' : 'a payload that is not JSON') : 'JSON that is not an action-group response'} for ${event.httpMethod} ${event.apiPath}`,
      );
    return payload;
  };

/**
 * One invoker per action group, each invoking its Lambda function (the
 * ACTION_GROUP_FUNCTIONS map: action group name → function name or ARN).
 */
export const lambdaActionGroups = (
  client: LambdaClient,
  functionsByGroup: Readonly<Record<string, string>>,
): Record<string, ActionGroupInvoker> =>
  Object.fromEntries(
    Object.entries(functionsByGroup).map(([group, functionName]) => [
      group,
      lambdaActionGroup(client, functionName),
    ]),
  );
