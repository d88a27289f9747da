import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

/** A request the loopback server received, body read in full. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What responders write to: the part HTTP/1.1 and HTTP/2 compatibility responses share. */
export interface LoopbackResponse {
  writeHead(status: number, headers?: Record<string, string>): unknown;
  write(chunk: string | Uint8Array): unknown;
  end(chunk?: string | Uint8Array): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/** Answers one request; may write slowly, or never end (abort tests). */
export type Responder = (request: RecordedRequest, res: LoopbackResponse) => void | Promise<void>;

export interface Loopback {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Queues responders: each request takes the next one (500 when none is left). */
  respond(...responders: Responder[]): void;
  /** Forgets queued responders and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 (port 0) that records what it receives and answers with
 * scripted responders, so the real SDK or fetch client talks to it over TCP.
 * `http2: true` speaks cleartext HTTP/2 (h2c): the Bedrock runtime client's
 * default handler is NodeHttp2Handler, which uses h2c for an `http://` endpoint.
 */
export const startLoopback = async ({ http2 = false }: { http2?: boolean } = {}): Promise<Loopback> => {
  const requests: RecordedRequest[] = [];
  let queue: Responder[] = [];
  const handle = (
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
    kill: () => void,
  ) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const response = res as unknown as LoopbackResponse;
      const responder = queue.shift();
      if (responder === undefined) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end('{"message":"no responder queued"}');
        return;
      }
      Promise.resolve(responder(recorded, response)).catch(kill);
    });
  };

  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  const server = http2
    ? createHttp2Server((req, res) => handle(req, res, () => res.stream.close()))
    : createServer((req, res) => handle(req, res, () => res.destroy()));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (...responders) => queue.push(...responders),
    reset: () => {
      queue = [];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
};

/** Resolves when `res` is closed: by the end of the response, or by the client going away. */
export const closed = (res: LoopbackResponse): Promise<void> =>
  new Promise((resolve) => {
    if ((res as { closed?: boolean }).closed === true) resolve();
    else res.once('close', () => resolve());
  });
