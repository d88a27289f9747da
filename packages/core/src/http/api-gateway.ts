import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  AppError,
  BadRequestError,
  HttpError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../errors/errors';
import type { Logger } from '../logging/logger';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/**
 * The body exactly as the sender signed it. API Gateway base64-encodes
 * non-text content types (Slack's form bodies), so decode to bytes first.
 */
export const rawBody = (event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>): Buffer => {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
};

/** Case-insensitive header lookup (API Gateway v2 lowercases, local callers may not). */
export const header = (event: Pick<HttpEvent, 'headers'>, name: string): string | undefined => {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};

export const assertBodySize = (body: Buffer, limitBytes: number): void => {
  if (body.length > limitBytes) throw new PayloadTooLargeError(limitBytes);
};

/** Refuses non-JSON content types with a message telling the sender what to configure. */
export const assertJsonContentType = (event: Pick<HttpEvent, 'headers'>, sender: string): void => {
  const type = header(event, 'content-type');
  if (type === undefined || !/^application\/([\w.+-]*\+)?json\b/i.test(type.trim())) {
    throw new UnsupportedMediaTypeError(
      `content-type must be application/json (got ${type ?? 'none'}); configure the ${sender} webhook to send JSON`,
    );
  }
};

export const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new BadRequestError('body is not valid JSON', error);
  }
};

/** Parses a JSON body that must be an object. */
export const parseJsonObject = (body: Buffer): Record<string, unknown> => {
  const value = parseJson(body);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError('body must be a JSON object');
  }
  return value as Record<string, unknown>;
};

export const parseForm = (body: Buffer): URLSearchParams => new URLSearchParams(body.toString('utf8'));

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * The one mapping from an error to a response: exposed messages for 4xx,
 * a generic message for everything else, never a stack trace. 5xx are logged
 * with their cause.
 */
export const errorResponse = (error: unknown, logger?: Logger): HttpResult => {
  if (error instanceof HttpError) {
    if (error.statusCode >= 500) logger?.error({ err: error }, 'request failed');
    else logger?.info({ code: error.code, status: error.statusCode }, error.message);
    return jsonResponse(error.statusCode, { error: error.expose ? error.message : 'internal error' });
  }
  if (error instanceof AppError && error.expose) {
    logger?.info({ code: error.code }, error.message);
    return jsonResponse(400, { error: error.message });
  }
  logger?.error({ err: error }, 'unhandled error');
  return jsonResponse(500, { error: 'internal error' });
};

/** Method and path of an HTTP API v2 event (route key or raw path). */
export const routeOf = (event: HttpEvent): { method: string; path: string } => ({
  method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
  path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
});
