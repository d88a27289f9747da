import type { Logger } from '@enterprise-agents/core/logging';
import {
  type ChatPostMessageArguments,
  LogLevel,
  type Logger as SlackLogger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { PostedMessage, SlackMessage, SlackPort } from '../domain/ports';
import { backoffMs, DEFAULT_RETRY_POLICY, type RetryPolicy, sleep, withRetry } from './retry';

export interface SlackWebApiOptions {
  /** The bot token, read per call so a rotated secret is picked up (clients are cached per token). */
  token: () => Promise<string>;
  slackApiUrl?: string;
  retry?: RetryPolicy;
  /** Per-request timeout. */
  timeoutMs?: number;
  logger: Logger;
  /** Injectable for tests. */
  wait?: (ms: number) => Promise<void>;
}

/** Slack errors (HTTP 200, ok:false) that are worth another try. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Bridges the Web API client's logger to ours; its debug lines are dropped (they include request bodies). */
const slackLogger = (logger: Logger): SlackLogger => ({
  debug: () => undefined,
  info: (...msg) => logger.debug({ slack: msg.map(String).join(' ') }, 'slack web api'),
  warn: (...msg) => logger.warn({ slack: msg.map(String).join(' ') }, 'slack web api'),
  error: (...msg) => logger.error({ slack: msg.map(String).join(' ') }, 'slack web api'),
  setLevel: () => undefined,
  getLevel: () => LogLevel.INFO,
  setName: () => undefined,
});

/**
 * The SlackPort on `@slack/web-api`. The client's own retries are off and rate
 * limits are rejected to us, so one loop decides: 429 waits exactly Retry-After
 * (unless that is longer than the policy allows), 5xx and network errors back
 * off exponentially, everything else (invalid_auth, channel_not_found) fails at once.
 */
export class SlackWebApi implements SlackPort {
  private readonly clients = new Map<string, WebClient>();
  private readonly policy: RetryPolicy;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly options: SlackWebApiOptions) {
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.wait = options.wait ?? sleep;
  }

  private async client(): Promise<WebClient> {
    const token = await this.options.token();
    let client = this.clients.get(token);
    if (client === undefined) {
      client = new WebClient(token, {
        slackApiUrl: this.options.slackApiUrl ?? 'https://slack.com/api/',
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: this.options.timeoutMs ?? 5000,
        allowAbsoluteUrls: false,
        logger: slackLogger(this.options.logger),
      });
      this.clients.clear();
      this.clients.set(token, client);
    }
    return client;
  }

  /** Delay before the next attempt, or undefined to give up. */
  retryDelay = (error: unknown, attempt: number): number | undefined => {
    if (error instanceof WebAPIRateLimitedError) {
      const ms = error.retryAfter * 1000;
      return ms <= this.policy.maxRetryAfterMs ? ms : undefined;
    }
    if (error instanceof WebAPIHTTPError)
      return error.statusCode >= 500 ? backoffMs(this.policy, attempt) : undefined;
    if (error instanceof WebAPIRequestError) return backoffMs(this.policy, attempt);
    if (error instanceof WebAPIPlatformError && TRANSIENT_PLATFORM_ERRORS.has(error.data.error))
      return backoffMs(this.policy, attempt);
    return undefined;
  };

  private call<T>(fn: (client: WebClient) => Promise<T>): Promise<T> {
    return withRetry(async () => fn(await this.client()), this.policy, this.retryDelay, this.wait);
  }

  async postMessage(
    input: SlackMessage & { channel: string; threadTs?: string; replyBroadcast?: boolean },
  ): Promise<PostedMessage> {
    const out = await this.call((client) =>
      // The SDK's argument type is a union over thread / broadcast variants that a spread cannot satisfy.
      client.chat.postMessage({
        channel: input.channel,
        text: input.text,
        ...(input.blocks === undefined ? {} : { blocks: input.blocks }),
        ...(input.threadTs === undefined ? {} : { thread_ts: input.threadTs }),
        ...(input.replyBroadcast === true ? { reply_broadcast: true } : {}),
        unfurl_links: false,
      } as ChatPostMessageArguments),
    );
    if (out.ts === undefined || out.channel === undefined) throw new Error('chat.postMessage returned no ts');
    return { channel: out.channel, ts: out.ts };
  }

  async updateMessage(input: SlackMessage & { channel: string; ts: string }): Promise<void> {
    await this.call((client) =>
      client.chat.update({
        channel: input.channel,
        ts: input.ts,
        text: input.text,
        ...(input.blocks === undefined ? {} : { blocks: input.blocks as never }),
      }),
    );
  }

  async deleteMessage(channel: string, ts: string): Promise<void> {
    await this.call((client) => client.chat.delete({ channel, ts }));
  }

  async postEphemeral(
    input: SlackMessage & { channel: string; user: string; threadTs?: string },
  ): Promise<void> {
    await this.call((client) =>
      client.chat.postEphemeral({
        channel: input.channel,
        user: input.user,
        text: input.text,
        ...(input.blocks === undefined ? {} : { blocks: input.blocks as never }),
        ...(input.threadTs === undefined ? {} : { thread_ts: input.threadTs }),
      }),
    );
  }

  async usergroupMembers(groupId: string): Promise<string[]> {
    const out = await this.call((client) => client.usergroups.users.list({ usergroup: groupId }));
    return out.users ?? [];
  }

  async openView(triggerId: string, view: Record<string, unknown>): Promise<void> {
    await this.call((client) => client.views.open({ trigger_id: triggerId, view: view as never }));
  }
}
