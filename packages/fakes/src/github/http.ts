import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it (kept so tests can assert on what was sent). */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/repos/acme/app/git/refs`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** HTTP status the fake answered with. */
  status?: number;
}

/** What a route handler returns; `body` objects are sent as JSON, strings as text/plain. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A request inside a route handler: the recorded request plus the path parameters. */
export interface FakeRequest extends RecordedRequest {
  params: Record<string, string>;
}

/** Thrown by route handlers to answer with an error status and a vendor-shaped body. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`fake http ${status}`);
  }
}

export type RouteHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

/** A tiny method + path router: `/repos/:owner/:repo/contents/*path` style patterns. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          keys.push(segment.slice(1));
          return '([^/]+)';
        }
        if (segment.startsWith('*')) {
          keys.push(segment.slice(1));
          return '(.+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  match(method: string, path: string): { handler: RouteHandler; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (m === null) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    return undefined;
  }
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const parseBody = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** A running fake server. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a node:http server on 127.0.0.1 (random port). `handle` receives every
 * request; errors it throws become 500s so a bug in a fake is visible in tests.
 */
export const startHttpServer = async (
  handle: (req: RecordedRequest, raw: IncomingMessage) => Promise<FakeResponse>,
): Promise<RunningServer> => {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: decodeURI(url.pathname),
        query: Object.fromEntries(url.searchParams.entries()),
        headers,
        body: parseBody(await readBody(req)),
      };
      let response: FakeResponse;
      try {
        response = await handle(recorded, req);
      } catch (error) {
        response = { status: 500, body: { message: `fake server error: ${String(error)}` } };
      }
      const isText = typeof response.body === 'string';
      const payload =
        response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
      res.writeHead(response.status, {
        ...(response.body === undefined
          ? {}
          : { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' }),
        ...response.headers,
      });
      res.end(payload);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** `Link` header for page-number pagination (GitHub style: page / per_page). */
export const linkHeader = (
  baseUrl: string,
  path: string,
  query: Record<string, string>,
  page: number,
  lastPage: number,
): string | undefined => {
  if (lastPage <= 1) return undefined;
  const link = (p: number, rel: string) => {
    const params = new URLSearchParams({ ...query, page: String(p) });
    return `<${baseUrl}${path}?${params.toString()}>; rel="${rel}"`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(link(page - 1, 'prev'));
  if (page < lastPage) parts.push(link(page + 1, 'next'));
  parts.push(link(lastPage, 'last'));
  if (page > 1) parts.push(link(1, 'first'));
  return parts.join(', ');
};

/** Slices `items` for `page`/`per_page` (GitHub defaults: 30, max 100). */
export const paginate = <T>(
  items: readonly T[],
  query: Record<string, string>,
  defaults = { perPage: 30, maxPerPage: 100 },
): { items: T[]; page: number; lastPage: number } => {
  const perPage = Math.min(Math.max(Number(query.per_page ?? defaults.perPage) || 1, 1), defaults.maxPerPage);
  const page = Math.max(Number(query.page ?? 1) || 1, 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  return { items: items.slice((page - 1) * perPage, page * perPage), page, lastPage };
};

/** A switch that makes the next N requests fail with a throttling answer. */
export interface ThrottleRule {
  remaining: number;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
