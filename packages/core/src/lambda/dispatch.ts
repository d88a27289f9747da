import { type ActionGroupEvent, isActionGroupEvent } from '../bedrock/action-group';
import type { HttpEvent } from '../http/api-gateway';
import { isPlainObject } from '../util/is-plain-object';

/** A Step Functions `lambda:invoke` payload: an object with an `action` field (docs/contracts.md). */
export type ActionPayload = Record<string, unknown> & { action: string };

/**
 * Whether an event comes from API Gateway (HTTP API, payload format 2.0).
 *
 * @param event - the Lambda event
 * @example
 * isHttpEvent({ requestContext: { http: { method: 'GET' } } }); // true
 */
export const isHttpEvent = (event: unknown): event is HttpEvent =>
  isPlainObject(event) && isPlainObject(event.requestContext) && isPlainObject(event.requestContext.http);

/**
 * Whether an event is a Step Functions payload: an object whose `action` is a string.
 *
 * @param event - the Lambda event
 * @example
 * isActionPayload({ action: 'notify', taskId: 't' }); // true
 */
export const isActionPayload = (event: unknown): event is ActionPayload =>
  isPlainObject(event) && typeof event.action === 'string';

/** Where {@link dispatchEvent} sends each kind of event; a kind left out is unsupported. */
export interface EventRoutes<C = unknown> {
  /** API Gateway requests. */
  http?: (event: HttpEvent, context?: C) => Promise<unknown>;
  /** Bedrock action-group events (`messageVersion` + `apiPath`). */
  actionGroup?: (event: ActionGroupEvent, context?: C) => Promise<unknown>;
  /** Step Functions payloads by their `action`. */
  actions?: Readonly<Record<string, (payload: ActionPayload, context?: C) => Promise<unknown>>>;
  /**
   * The error for any other event (each Lambda says what it expects; the state machine and
   * the tests match its name and message).
   */
  unsupported: (event: unknown) => Error;
}

/**
 * The one dispatch of a Lambda's events: API Gateway requests, Bedrock action-group events
 * and Step Functions payloads (by `action`) go to the package's handlers, in that order of
 * recognition; anything else throws the Lambda's own `unsupported` error.
 *
 * @param routes - the handlers of the kinds of event the Lambda serves
 * @example
 * const handle = dispatchEvent({
 *   actionGroup: (event) => actionGroup(event),
 *   actions: { registerCiWait: (payload) => registerCiWait(deps, parse(payload)) },
 *   unsupported: () => new Error('expected an action group event or action=registerCiWait'),
 * });
 */
export const dispatchEvent =
  <C = unknown>(routes: EventRoutes<C>) =>
  async (event: unknown, context?: C): Promise<unknown> => {
    if (routes.http !== undefined && isHttpEvent(event)) return routes.http(event, context);
    if (routes.actionGroup !== undefined && isActionGroupEvent(event))
      return routes.actionGroup(event, context);
    if (routes.actions !== undefined && isActionPayload(event) && Object.hasOwn(routes.actions, event.action))
      return (routes.actions[event.action] as NonNullable<EventRoutes<C>['actions']>[string])(event, context);
    throw routes.unsupported(event);
  };
