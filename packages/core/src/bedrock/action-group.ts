import { Ajv, type ValidateFunction } from 'ajv';
import { AppError } from '../errors/errors';
import type { Logger } from '../logging/logger';

/** Bedrock Agents → Lambda event for an OpenAPI action group (messageVersion 1.0). */
export interface ActionGroupEvent {
  messageVersion: string;
  agent?: { name?: string; id?: string; alias?: string; version?: string };
  inputText?: string;
  sessionId?: string;
  actionGroup: string;
  apiPath: string;
  httpMethod: string;
  parameters?: { name: string; type?: string; value: string }[];
  requestBody?: {
    content?: Record<string, { properties?: { name: string; type?: string; value: string }[] }>;
  };
  sessionAttributes?: Record<string, string>;
  promptSessionAttributes?: Record<string, string>;
}

/** True for a Bedrock action-group event (as opposed to a Step Functions payload to the same Lambda). */
export const isActionGroupEvent = (event: unknown): event is ActionGroupEvent =>
  typeof event === 'object' &&
  event !== null &&
  typeof (event as { apiPath?: unknown }).apiPath === 'string' &&
  typeof (event as { messageVersion?: unknown }).messageVersion === 'string';

export interface ActionGroupResponse {
  messageVersion: '1.0';
  response: {
    actionGroup: string;
    apiPath: string;
    httpMethod: string;
    httpStatusCode: number;
    responseBody: { 'application/json': { body: string } };
  };
  sessionAttributes: Record<string, string>;
  promptSessionAttributes: Record<string, string>;
}

/** Minimal OpenAPI 3.0 shapes this adapter reads. */
export interface OpenApiSchemaObject {
  type?: string;
  properties?: Record<string, OpenApiSchemaObject>;
  items?: OpenApiSchemaObject;
  required?: string[];
  enum?: unknown[];
  description?: string;
  [key: string]: unknown;
}
export interface OpenApiOperation {
  operationId: string;
  description?: string;
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    schema?: OpenApiSchemaObject;
    description?: string;
  }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: OpenApiSchemaObject }> };
  responses?: Record<string, unknown>;
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/**
 * A refusal or bad argument the model can act on: returned as a 4xx response
 * whose body says what to do instead, never thrown out of the Lambda.
 */
export class ActionError extends AppError {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message, { code: `ACTION_${statusCode}`, expose: true });
  }
}

export interface ActionContext {
  event: ActionGroupEvent;
  /** The task the agent works on (session attribute set by the agent invoker). */
  taskId: string | undefined;
  logger: Logger;
}

export type OperationHandler = (args: Record<string, unknown>, ctx: ActionContext) => Promise<unknown>;

export interface SchemaOperation {
  operationId: string;
  apiPath: string;
  httpMethod: string;
  schemaTitle: string;
  argumentSchema: OpenApiSchemaObject;
}

/** Every operation declared by the given OpenAPI documents. */
export const listSchemaOperations = (documents: readonly OpenApiDocument[]): SchemaOperation[] =>
  documents.flatMap((doc) =>
    Object.entries(doc.paths).flatMap(([apiPath, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        operationId: op.operationId,
        apiPath,
        httpMethod: method.toUpperCase(),
        schemaTitle: doc.info.title,
        argumentSchema: argumentSchemaOf(op),
      })),
    ),
  );

/** One JSON schema for all arguments: parameters and request body properties together. */
const argumentSchemaOf = (op: OpenApiOperation): OpenApiSchemaObject => {
  const body = op.requestBody?.content?.['application/json']?.schema;
  const properties: Record<string, OpenApiSchemaObject> = { ...(body?.properties ?? {}) };
  const required = new Set(body?.required ?? []);
  for (const parameter of op.parameters ?? []) {
    properties[parameter.name] = parameter.schema ?? { type: 'string' };
    if (parameter.required === true) required.add(parameter.name);
  }
  return { type: 'object', properties, required: [...required], additionalProperties: false };
};

/** Bedrock sends every value as a string; restore arrays and objects the schema declares. */
const decodeValue = (raw: string, schema: OpenApiSchemaObject | undefined): unknown => {
  if (schema?.type === 'array' || schema?.type === 'object') {
    try {
      return JSON.parse(raw);
    } catch {
      // Bedrock sometimes sends arrays as `[a, b]` without quotes; leave it for validation to reject.
      return raw;
    }
  }
  return raw;
};

const stringify = (value: unknown): string => JSON.stringify(value ?? null);

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The response with its body cut so that the WHOLE serialized response fits in
 * `maxBytes`: the body is a string inside JSON, so quotes, backslashes and
 * control characters grow when the response is serialized, and only the final
 * size counts. A cut body is a valid JSON object saying so, with a preview.
 */
export const fitResponse = (
  build: (body: string) => ActionGroupResponse,
  body: string,
  maxBytes: number,
): ActionGroupResponse => {
  const whole = build(body);
  if (bytes(JSON.stringify(whole)) <= maxBytes) return whole;
  const cut = (length: number): ActionGroupResponse =>
    build(
      JSON.stringify({
        truncated: true,
        note: `response of ${bytes(body)} bytes cut to fit ${maxBytes}; ask for less`,
        preview: body.slice(0, length),
      }),
    );
  // The largest preview that fits: the serialized size grows with the preview's length.
  let low = 0;
  let high = body.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (bytes(JSON.stringify(cut(mid))) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  return cut(low);
};

export interface ActionGroupOptions {
  documents: readonly OpenApiDocument[];
  operations: Record<string, OperationHandler>;
  logger: Logger;
  /** The whole serialized response is kept under this (Bedrock Agents' response limit is about 25 KB). */
  maxBodyBytes?: number;
}

/**
 * The one adapter between Bedrock action groups and operation handlers: finds
 * the operation by path and method, validates and coerces the arguments against
 * the OpenAPI schema, runs the handler and builds the response Bedrock expects.
 */
export const createActionGroupHandler = ({
  documents,
  operations,
  logger,
  maxBodyBytes = 20_000,
}: ActionGroupOptions) => {
  const ajv = new Ajv({ coerceTypes: true, allErrors: true, strict: false, useDefaults: true });
  const byRoute = new Map<string, { op: SchemaOperation; validate: ValidateFunction }>();
  for (const op of listSchemaOperations(documents)) {
    if (operations[op.operationId] === undefined) {
      throw new Error(`operation ${op.operationId} (${op.httpMethod} ${op.apiPath}) has no handler`);
    }
    byRoute.set(`${op.httpMethod} ${op.apiPath}`, { op, validate: ajv.compile(op.argumentSchema) });
  }

  return async (event: ActionGroupEvent): Promise<ActionGroupResponse> => {
    const respond = (httpStatusCode: number, body: unknown): ActionGroupResponse =>
      fitResponse(
        (text) => ({
          messageVersion: '1.0',
          response: {
            actionGroup: event?.actionGroup ?? '',
            apiPath: event?.apiPath ?? '',
            httpMethod: event?.httpMethod ?? '',
            httpStatusCode,
            responseBody: { 'application/json': { body: text } },
          },
          sessionAttributes: event?.sessionAttributes ?? {},
          promptSessionAttributes: event?.promptSessionAttributes ?? {},
        }),
        stringify(body),
        maxBodyBytes,
      );
    const route = byRoute.get(`${String(event?.httpMethod ?? '').toUpperCase()} ${event?.apiPath}`);
    if (route === undefined) {
      return respond(404, { error: `unknown operation ${event?.httpMethod} ${event?.apiPath}` });
    }
    const schemaProps = route.op.argumentSchema.properties ?? {};
    const args: Record<string, unknown> = {};
    const supplied = [
      ...(event.parameters ?? []),
      ...(event.requestBody?.content?.['application/json']?.properties ?? []),
    ];
    for (const { name, value } of supplied) args[name] = decodeValue(String(value), schemaProps[name]);
    if (!route.validate(args)) {
      const problems = (route.validate.errors ?? []).map((e) =>
        `${e.instancePath || 'arguments'} ${e.message ?? ''}`.trim(),
      );
      return respond(400, { error: `invalid arguments for ${route.op.operationId}: ${problems.join('; ')}` });
    }
    const taskId = event.sessionAttributes?.taskId;
    const log = logger.child({
      operation: route.op.operationId,
      ...(taskId === undefined ? {} : { taskId }),
    });
    const handler = operations[route.op.operationId] as OperationHandler;
    try {
      const result = await handler(args, { event, taskId, logger: log });
      return respond(200, result);
    } catch (error) {
      if (error instanceof ActionError) {
        log.info({ status: error.statusCode }, error.message);
        return respond(error.statusCode, { error: error.message, ...(error.details ?? {}) });
      }
      log.error({ err: error }, 'action failed');
      // The agent sees a retryable failure, not our internals.
      return respond(502, {
        error: `${route.op.operationId} failed upstream; retry later or continue without it`,
      });
    }
  };
};
