import {
  type ActionGroupResponse,
  createActionGroupHandler,
  type OperationHandler,
} from '@enterprise-agents/core/bedrock';
import { dispatchEvent, guardUpstream, type UpstreamRefusals } from '@enterprise-agents/core/lambda';
import type { Logger } from '@enterprise-agents/core/logging';
import type { SentryToolDeps } from './domain/operations';
import * as ops from './domain/operations';
import { SENTRY_ACTION_GROUPS } from './schemas';

/** Everything the handler needs; production wiring is in handler.ts. */
export interface SentryActionsDeps extends SentryToolDeps {
  logger: Logger;
}

/** Sentry's refusals as answers the model can act on; auth and outages stay 502. */
export const SENTRY_REFUSALS: UpstreamRefusals = {
  service: 'sentry',
  label: 'Sentry',
  notFound: 'not found in Sentry; check the project slug or issue id',
  refused: {
    statuses: [400],
    as: 400,
    detail: (error) => {
      const detail = (error.body as { detail?: unknown } | undefined)?.detail;
      return typeof detail === 'string' ? detail : 'bad request';
    },
  },
  rateLimited: 'Sentry rate limit reached; wait before retrying',
};

const guarded = guardUpstream(SENTRY_REFUSALS);

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
  const dispatch = dispatchEvent({
    actionGroup,
    unsupported: () =>
      new Error(
        'sentry-actions: unsupported event; expected a Bedrock action group event (messageVersion + apiPath)',
      ),
  });
  return (event: unknown) => dispatch(event) as Promise<ActionGroupResponse>;
};
