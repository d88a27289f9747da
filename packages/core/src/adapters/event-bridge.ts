import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, EventDetailType } from '../domain/constants';
import type { EventPublisherPort, TaskRequestedEvent } from '../ports/workflow';

/** Publishes TaskRequested on the project's bus; a rule starts the state machine. */
export class EventBridgePublisher implements EventPublisherPort {
  private readonly client: EventBridgeClient;

  constructor(
    private readonly busName: string,
    config: EventBridgeClientConfig | EventBridgeClient = {},
  ) {
    this.client = config instanceof EventBridgeClient ? config : new EventBridgeClient(config);
  }

  async taskRequested(event: TaskRequestedEvent): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: EventDetailType.TaskRequested,
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
    // PutEvents reports per-entry failures in a 200 response.
    if ((out.FailedEntryCount ?? 0) > 0) {
      const entry = out.Entries?.[0];
      throw new Error(
        `EventBridge rejected the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}
