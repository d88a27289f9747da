import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The bot token the fake accepts unless told otherwise. */
export const SLACK_FAKE_TOKEN = 'xoxb-fake-token';

/** One message as the fake holds it (the latest version after updates). */
export interface SlackFakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  replyBroadcast?: boolean;
  /** Set for chat.postEphemeral: only this user sees it. */
  ephemeralTo?: string;
  edited: boolean;
  deleted: boolean;
}

/** A modal opened with views.open. */
export interface SlackFakeView {
  id: string;
  triggerId: string;
  view: Record<string, unknown>;
}

/** Every Web API call, including rejected ones, in arrival order. */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** HTTP status the fake answered with. */
  status: number;
  /** Slack's `error` when the answer was ok:false. */
  error?: string;
}

/** A POST to a response_url. */
export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  status: number;
}

/** A planned failure: the next `times` matching calls are answered with it instead of being served. */
export type FaultSpec =
  | { method?: string; times?: number; status: 429; retryAfterSeconds?: number }
  | { method?: string; times?: number; status: 500 | 502 | 503 | 504 }
  | { method?: string; times?: number; error: string };

export interface SlackFakeOptions {
  /** Accepted bot tokens (Authorization: Bearer or a `token` field). Default: {@link SLACK_FAKE_TOKEN}. */
  tokens?: string[];
  /** User group id -> member user ids, for usergroups.users.list. */
  usergroups?: Record<string, string[]>;
  /** When set, posting to any other channel answers `channel_not_found`. */
  channels?: string[];
  /** Uses allowed per response_url (Slack: 5 within 30 minutes). */
  responseUrlUses?: number;
}

export interface SlackFake {
  /** Base URL for `new WebClient(token, { slackApiUrl })`, ending in `/api/`. */
  readonly apiUrl: string;
  /** A fresh response_url served by this fake. */
  responseUrl(id?: string): string;
  /** Every Web API call so far. */
  readonly calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Messages of a channel (all channels when omitted), oldest first; deleted ones excluded. */
  messages(channel?: string): SlackFakeMessage[];
  /** Ephemeral messages (chat.postEphemeral), for one user or all. */
  ephemerals(user?: string): SlackFakeMessage[];
  /** A root message and its replies, oldest first. */
  thread(channel: string, threadTs: string): SlackFakeMessage[];
  /** Bodies posted to response_urls (one id or all). */
  responses(id?: string): ResponseUrlPost[];
  readonly views: SlackFakeView[];
  /** Answer the next matching calls with a failure (429 + Retry-After, 5xx, or ok:false). */
  fail(spec: FaultSpec): void;
  setUsergroup(id: string, users: string[]): void;
  /** Forget calls, messages, responses, views and planned failures. */
  reset(): void;
  stop(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

type Args = Record<string, unknown>;
type Answer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Parses a Web API body like Slack: form fields (nested values as JSON strings) or a JSON object. */
const parseArgs = (contentType: string | undefined, body: Buffer): Args | undefined => {
  const text = body.toString('utf8');
  if (contentType?.includes('application/json')) {
    try {
      const value: unknown = JSON.parse(text === '' ? '{}' : text);
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Args)
        : undefined;
    } catch {
      return undefined;
    }
  }
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        return undefined;
      }
    } else args[key] = value;
  }
  return args;
};

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const ok = (body: Record<string, unknown> = {}): Answer => ({ status: 200, body: { ok: true, ...body } });
// Slack answers API errors with HTTP 200 and ok:false.
const slackError = (error: string): Answer => ({ status: 200, body: { ok: false, error } });

/**
 * An in-process Slack Web API on 127.0.0.1: chat.postMessage / update / delete /
 * postEphemeral, usergroups.users.list, views.open, auth.test, plus response_url
 * endpoints. It checks the bot token, keeps what it receives, and can be told to
 * answer 429 with Retry-After, 5xx, or an ok:false error for the next calls.
 */
export const startSlackFake = async (options: SlackFakeOptions = {}): Promise<SlackFake> => {
  const tokens = new Set(options.tokens ?? [SLACK_FAKE_TOKEN]);
  const usergroups = new Map(Object.entries(options.usergroups ?? {}));
  const channels = options.channels === undefined ? undefined : new Set(options.channels);
  const maxUses = options.responseUrlUses ?? 5;
  const calls: RecordedCall[] = [];
  const stored: SlackFakeMessage[] = [];
  const posts: ResponseUrlPost[] = [];
  const uses = new Map<string, number>();
  const views: SlackFakeView[] = [];
  let faults: (FaultSpec & { remaining: number })[] = [];
  let seq = 0;
  let responseSeq = 0;

  const nextTs = (): string => {
    seq += 1;
    return `1767225600.${String(seq).padStart(6, '0')}`;
  };

  const takeFault = (method: string): FaultSpec | undefined => {
    const fault = faults.find((f) => f.method === undefined || f.method === method);
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  };

  const find = (channel: string, ts: string): SlackFakeMessage | undefined =>
    stored.find((m) => m.channel === channel && m.ts === ts && !m.deleted && m.ephemeralTo === undefined);

  const messageBody = (args: Args): { text: string; blocks?: unknown[] } | undefined => {
    const text = str(args.text);
    const blocks = Array.isArray(args.blocks) ? args.blocks : undefined;
    if (text === undefined && (blocks === undefined || blocks.length === 0)) return undefined;
    return { text: text ?? '', ...(blocks === undefined ? {} : { blocks }) };
  };

  const methods: Record<string, (args: Args) => Answer> = {
    'auth.test': () =>
      ok({
        url: 'https://fake.slack.com/',
        team: 'Fake',
        user: 'bot',
        team_id: 'T0FAKE',
        user_id: 'U0BOT',
        bot_id: 'B0BOT',
      }),
    'chat.postMessage': (args) => {
      const channel = str(args.channel);
      if (channel === undefined) return slackError('channel_not_found');
      if (channels !== undefined && !channels.has(channel)) return slackError('channel_not_found');
      const body = messageBody(args);
      if (body === undefined) return slackError('no_text');
      const threadTs = str(args.thread_ts);
      if (threadTs !== undefined && find(channel, threadTs) === undefined)
        return slackError('thread_not_found');
      const message: SlackFakeMessage = {
        channel,
        ts: nextTs(),
        ...body,
        ...(threadTs === undefined ? {} : { threadTs }),
        ...(args.reply_broadcast === true || args.reply_broadcast === 'true' ? { replyBroadcast: true } : {}),
        edited: false,
        deleted: false,
      };
      stored.push(message);
      return ok({
        channel,
        ts: message.ts,
        message: {
          type: 'message',
          bot_id: 'B0BOT',
          text: message.text,
          ts: message.ts,
          blocks: message.blocks,
          thread_ts: threadTs,
        },
      });
    },
    'chat.update': (args) => {
      const channel = str(args.channel);
      const ts = str(args.ts);
      if (channel === undefined) return slackError('channel_not_found');
      if (ts === undefined) return slackError('invalid_arguments');
      const message = find(channel, ts);
      if (message === undefined) return slackError('message_not_found');
      const body = messageBody(args);
      if (body === undefined) return slackError('no_text');
      message.text = body.text;
      if (body.blocks !== undefined) message.blocks = body.blocks;
      message.edited = true;
      return ok({ channel, ts, text: message.text, message: { text: message.text, blocks: message.blocks } });
    },
    'chat.delete': (args) => {
      const channel = str(args.channel);
      const ts = str(args.ts);
      const message = channel === undefined || ts === undefined ? undefined : find(channel, ts);
      if (message === undefined) return slackError('message_not_found');
      message.deleted = true;
      return ok({ channel, ts });
    },
    'chat.postEphemeral': (args) => {
      const channel = str(args.channel);
      const user = str(args.user);
      if (channel === undefined) return slackError('channel_not_found');
      if (user === undefined) return slackError('user_not_in_channel');
      const body = messageBody(args);
      if (body === undefined) return slackError('no_text');
      const ts = nextTs();
      stored.push({ channel, ts, ...body, ephemeralTo: user, edited: false, deleted: false });
      return ok({ message_ts: ts });
    },
    'usergroups.users.list': (args) => {
      const group = str(args.usergroup);
      const users = group === undefined ? undefined : usergroups.get(group);
      if (users === undefined) return slackError('no_such_subteam');
      return ok({ users: [...users] });
    },
    'views.open': (args) => {
      const triggerId = str(args.trigger_id);
      const view = args.view;
      if (triggerId === undefined) return slackError('invalid_trigger_id');
      if (view === null || typeof view !== 'object' || (view as Args).type !== 'modal')
        return slackError('invalid_arguments');
      const opened = { id: `V${String(views.length + 1).padStart(8, '0')}`, triggerId, view: view as Args };
      views.push(opened);
      return ok({ view: { id: opened.id, ...opened.view } });
    },
  };

  const send = (res: ServerResponse, answer: Answer): void => {
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  };

  const serveApi = (method: string, headers: IncomingMessage['headers'], body: Buffer): Answer => {
    const args = parseArgs(headers['content-type'], body);
    const record = (answer: Answer): Answer => {
      const error = typeof answer.body.error === 'string' ? answer.body.error : undefined;
      calls.push({
        method,
        args: args ?? {},
        status: answer.status,
        ...(error === undefined ? {} : { error }),
      });
      return answer;
    };
    const fault = takeFault(method);
    if (fault !== undefined) {
      if ('error' in fault) return record(slackError(fault.error));
      if (fault.status === 429) {
        return record({
          status: 429,
          body: { ok: false, error: 'ratelimited' },
          headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
        });
      }
      return record({ status: fault.status, body: { ok: false, error: 'fake_server_error' } });
    }
    if (args === undefined) return record(slackError('invalid_form_data'));
    const auth = headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : str(args.token);
    if (token === undefined) return record(slackError('not_authed'));
    if (!tokens.has(token)) return record(slackError('invalid_auth'));
    const handler = methods[method];
    if (handler === undefined) return record(slackError('unknown_method'));
    return record(handler(args));
  };

  const serveResponseUrl = (id: string, body: Buffer): Answer => {
    let parsed: Args;
    try {
      const value: unknown = JSON.parse(body.toString('utf8'));
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new Error('not an object');
      parsed = value as Args;
    } catch {
      posts.push({ id, body: {}, status: 400 });
      return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    }
    // A planned failure happens before Slack counts the use, like a gateway error would.
    const fault = takeFault('response_url');
    if (fault !== undefined && !('error' in fault)) {
      posts.push({ id, body: parsed, status: fault.status });
      return {
        status: fault.status,
        body: { ok: false },
        ...(fault.status === 429 ? { headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) } } : {}),
      };
    }
    const used = (uses.get(id) ?? 0) + 1;
    uses.set(id, used);
    if (used > maxUses) {
      posts.push({ id, body: parsed, status: 404 });
      return { status: 404, body: { ok: false, error: 'used_url' } };
    }
    posts.push({ id, body: parsed, status: 200 });
    return { status: 200, body: { ok: true } };
  };

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        if (req.method !== 'POST')
          return send(res, { status: 405, body: { ok: false, error: 'method_not_allowed' } });
        const api = /^\/api\/([\w.]+)$/.exec(path);
        if (api?.[1] !== undefined) return send(res, serveApi(api[1], req.headers, body));
        const response = /^\/response\/([\w-]+)$/.exec(path);
        if (response?.[1] !== undefined) return send(res, serveResponseUrl(response[1], body));
        return send(res, { status: 404, body: { ok: false, error: 'not_found' } });
      })
      .catch(() => send(res, { status: 500, body: { ok: false, error: 'fake_internal_error' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => {
      responseSeq += 1;
      return `${base}/response/${id ?? `r${responseSeq}`}`;
    },
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    messages: (channel) =>
      stored.filter(
        (m) => !m.deleted && m.ephemeralTo === undefined && (channel === undefined || m.channel === channel),
      ),
    ephemerals: (user) =>
      stored.filter((m) => m.ephemeralTo !== undefined && (user === undefined || m.ephemeralTo === user)),
    thread: (channel, threadTs) =>
      stored.filter(
        (m) =>
          !m.deleted &&
          m.ephemeralTo === undefined &&
          m.channel === channel &&
          (m.ts === threadTs || m.threadTs === threadTs),
      ),
    responses: (id) => posts.filter((post) => id === undefined || post.id === id),
    views,
    fail: (spec) => {
      faults.push({ ...spec, remaining: spec.times ?? 1 });
    },
    setUsergroup: (id, users) => {
      usergroups.set(id, [...users]);
    },
    reset: () => {
      calls.length = 0;
      stored.length = 0;
      posts.length = 0;
      views.length = 0;
      uses.clear();
      faults = [];
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
};
