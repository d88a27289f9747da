import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpEvent, HttpResult } from '@enterprise-agents/core/http';

export type HttpHandler = (event: HttpEvent) => Promise<HttpResult>;

/**
 * Route table: `METHOD /path` → handler, as the API Gateway routes in api-gateway.tf;
 * `METHOD /prefix/*` also matches `/prefix` and everything under it.
 */
export type RouteTable = Record<string, HttpHandler>;

/** The port is taken (another local stack, or anything else). */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `port ${port} on ${host} is already in use (another \`make dev\`?). Stop what uses it, or start with another port: PORT=${port + 1} make dev`,
    );
    this.name = 'PortInUseError';
  }
}

const matches = (key: string, method: string, path: string): boolean => {
  const [routeMethod, pattern = ''] = key.split(' ');
  if (routeMethod !== method) return false;
  if (!pattern.endsWith('/*')) return pattern === path;
  const prefix = pattern.slice(0, -2);
  return path === prefix || path.startsWith(`${prefix}/`);
};

const findRoute = (routes: RouteTable, method: string, path: string): HttpHandler | undefined =>
  routes[`${method} ${path}`] ?? Object.entries(routes).find(([key]) => matches(key, method, path))?.[1];

// API Gateway HTTP APIs pass these content types as text and everything else base64-encoded.
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript)|application\/[\w.+-]+\+json)/i;

/** Builds the API Gateway HTTP API (payload 2.0) event the Lambda would receive. */
export const toHttpEvent = (request: IncomingMessage, body: Buffer): HttpEvent => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const method = (request.method ?? 'GET').toUpperCase();
  const text = TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.fromEntries(url.searchParams),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      requestId: randomUUID(),
      routeKey: `${method} ${url.pathname}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
    },
    ...(body.length === 0 ? {} : { body: text ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !text,
  } as HttpEvent;
};

const readBody = (request: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error('payload too large'), { status: 413 }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

/**
 * The API Gateway of the local stack: the same routes, calling the same
 * handlers with the same event shape, on 127.0.0.1 unless told otherwise.
 * A taken port rejects with {@link PortInUseError}.
 */
export const startHttpServer = async (
  routes: RouteTable,
  options: { port?: number; host?: string; maxBodyBytes?: number; onRequest?: (line: string) => void } = {},
): Promise<{ url: string; server: Server; close(): Promise<void> }> => {
  const server = createServer(async (request, response) => {
    const started = Date.now();
    let status = 500;
    try {
      const body = await readBody(request, options.maxBodyBytes ?? 10 * 1024 * 1024);
      const event = toHttpEvent(request, body);
      const handler = findRoute(routes, event.requestContext.http.method, event.rawPath);
      const methodsForPath = Object.keys(routes).filter((key) =>
        matches(key, key.split(' ')[0] ?? '', event.rawPath),
      );
      let result: HttpResult;
      if (handler !== undefined) result = await handler(event);
      else if (methodsForPath.length > 0)
        result = { statusCode: 405, body: JSON.stringify({ error: 'method not allowed' }) };
      else result = { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) };
      status = result.statusCode ?? 200;
      const headers = { 'content-type': 'application/json', ...(result.headers ?? {}) };
      response.writeHead(status, headers as Record<string, string>);
      response.end(
        result.isBase64Encoded === true ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''),
      );
    } catch (error) {
      status = (error as { status?: number }).status ?? 500;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ message: status === 413 ? 'Request Entity Too Large' : 'Internal Server Error' }),
      );
    } finally {
      options.onRequest?.(`${request.method} ${request.url} -> ${status} (${Date.now() - started} ms)`);
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, options.port ?? 0) : error),
    );
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard address is reached on loopback from this machine.
  const reachable = ['0.0.0.0', '::', ''].includes(host)
    ? '127.0.0.1'
    : host.includes(':')
      ? `[${host}]`
      : host;
  return {
    url: `http://${reachable}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
