import { DeliveryStore, type TableRef } from '@enterprise-agents/core/db';
import { type Clock, systemClock } from '@enterprise-agents/core/util';
import type { NotificationLedgerPort, PostedMessage } from '../domain/ports';

const SOURCE = 'slack-notify';

/**
 * Notification dedupe in the table (a `DELIVERY#slack-notify#<id>` item), on core's
 * DeliveryStore. A claim older than `staleMs` that never became sent is taken
 * over: the Lambda that held it died mid-send, and a lost notification is worse
 * than a rare double.
 */
export class DynamoNotificationLedger implements NotificationLedgerPort {
  private readonly store: DeliveryStore;

  constructor(
    table: TableRef,
    clock: Clock = systemClock,
    staleMs = 2 * 60 * 1000,
    ttlSeconds = 30 * 24 * 3600,
  ) {
    this.store = new DeliveryStore(table, ttlSeconds, clock, staleMs);
  }

  claim(id: string): Promise<boolean> {
    return this.store.claim(SOURCE, id);
  }

  markSent(id: string, ref: PostedMessage): Promise<void> {
    return this.store.complete(SOURCE, id, { channel: ref.channel, ts: ref.ts });
  }

  release(id: string): Promise<void> {
    return this.store.release(SOURCE, id);
  }
}
