import {
  ActionError,
  type ActionGroupEvent,
  createActionGroupHandler,
  type Logger,
  type OperationHandler,
  UpstreamError,
} from '@enterprise-agents/core';
import type { SentryToolDeps } from './domain/operations';
import * as ops from './domain/operations';
import { SENTRY_ACTION_GROUPS } from './schemas';

/** Everything the handler needs; production wiring is in handler.ts. */
export interface SentryActionsDeps extends SentryToolDeps {
  logger: Logger;
}

/** Sentry's refusals as answers the model can act on; auth and outages stay 502. */
const guarded =
  <A>(operationId: string, fn: (args: A) => Promise<unknown>): OperationHandler =>
  async (args) => {
    try {
      return await fn(args as A);
    } catch (error) {
      if (error instanceof UpstreamError && error.service === 'sentry') {
        if (error.status === 404)
          throw new ActionError(
            404,
            `${operationId}: not found in Sentry; check the project slug or issue id`,
          );
        if (error.status === 400) {
          const detail = (error.body as { detail?: unknown } | undefined)?.detail;
          throw new ActionError(
            400,
            `${operationId}: Sentry refused: ${typeof detail === 'string' ? detail : 'bad request'}`,
          );
        }
        if (error.status === 429)
          throw new ActionError(429, `${operationId}: Sentry rate limit reached; wait before retrying`);
      }
      throw error;
    }
  };

/** Operation id → implementation: the set the contract test compares with the schema. */
export const sentryOperations = (deps: SentryToolDeps): Record<string, OperationHandler> => ({
  listIssues: guarded('listIssues', (a: Parameters<typeof ops.listIssues>[1]) => ops.listIssues(deps, a)),
  getIssue: guarded('getIssue', (a: Parameters<typeof ops.getIssue>[1]) => ops.getIssue(deps, a)),
  getLatestEvent: guarded('getLatestEvent', (a: Parameters<typeof ops.getLatestEvent>[1]) =>
    ops.getLatestEvent(deps, a),
  ),
});

/** The sentry-actions Lambda: the read-only Sentry action group for Bedrock agents. */
export const createHandler = (deps: SentryActionsDeps) => {
  const actionGroup = createActionGroupHandler({
    documents: SENTRY_ACTION_GROUPS,
    operations: sentryOperations(deps),
    logger: deps.logger,
  });
  return async (event: unknown) => {
    if (
      typeof event !== 'object' ||
      event === null ||
      typeof (event as { apiPath?: unknown }).apiPath !== 'string'
    ) {
      throw new Error(
        'sentry-actions: unsupported event; expected a Bedrock action group event (messageVersion + apiPath)',
      );
    }
    return actionGroup(event as ActionGroupEvent);
  };
};
