import { createHmac } from 'node:crypto';

/**
 * Where a fake sends the webhooks its vendor would send: the receiver's URL and
 * the shared secret the deliveries are signed with. Both may be functions, since
 * the receiver often starts after the fake.
 */
export interface WebhookSinkOptions {
  url: string | (() => string);
  secret: string | (() => string);
  /** Called once per delivery after it was answered (or failed), e.g. to log it. */
  onDelivery?: (delivery: WebhookDelivery) => void;
}

/** One webhook a fake sent, with the receiver's answer. */
export interface WebhookDelivery {
  /** The vendor's delivery id (X-GitHub-Delivery, X-Atlassian-Webhook-Identifier). */
  id: string;
  /** GitHub event name or Jira `webhookEvent`. */
  event: string;
  /** `action` of the payload when it has one (GitHub). */
  action?: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  at: string;
  /** HTTP status the receiver answered; undefined while in flight or when the request failed. */
  status?: number;
  /** The receiver's answer body (truncated), for inspection. */
  response?: string;
  error?: string;
}

/** `sha256=<hex HMAC-SHA256(secret, body)>`, as GitHub (X-Hub-Signature-256) and Jira (X-Hub-Signature) sign. */
export const sha256Signature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

const resolve = (value: string | (() => string)): string => (typeof value === 'function' ? value() : value);

/**
 * Sends webhooks asynchronously, after the REST answer that caused them, as the
 * vendors do; keeps every delivery and lets tests wait until none is in flight.
 */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: WebhookSinkOptions) {}

  secret(): string {
    return resolve(this.options.secret);
  }

  /** Queues one delivery; `sign` builds the signature headers from the exact body sent. */
  send(input: {
    id: string;
    event: string;
    action?: string;
    body: string;
    headers: Record<string, string>;
  }): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: input.id,
      event: input.event,
      ...(input.action === undefined ? {} : { action: input.action }),
      url: resolve(this.options.url),
      headers: input.headers,
      body: input.body,
      at: new Date().toISOString(),
    };
    this.deliveries.push(delivery);
    const run = new Promise<void>((done) => setImmediate(done))
      .then(async () => {
        const response = await fetch(delivery.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...delivery.headers },
          body: delivery.body,
        });
        delivery.status = response.status;
        delivery.response = (await response.text()).slice(0, 2000);
      })
      .catch((error: unknown) => {
        delivery.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        this.pending.delete(run);
        this.options.onDelivery?.(delivery);
      });
    this.pending.add(run);
    return delivery;
  }

  /** Resolves once no delivery is in flight (deliveries may cause more deliveries). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
