import { ActionError, type OperationHandler } from '../bedrock/action-group';
import { UpstreamError } from '../http/json-client';

/**
 * How one vendor's refusals read to the model. Only these become answers it can act on (404,
 * the refusal status, 429); authentication failures and outages stay errors (502 for the
 * action-group adapter), so the agent does not retry what it cannot fix.
 */
export interface UpstreamRefusals {
  /** `UpstreamError.service` of the vendor (`github`, `jira`, `sentry`). */
  service: string;
  /** The vendor's name in messages (`GitHub`). */
  label: string;
  /** After `<operationId>: ` for a 404. */
  notFound: string;
  /** Statuses that mean "the vendor refused this request" and the status the model sees for them. */
  refused: { statuses: readonly number[]; as: number; detail: (error: UpstreamError) => string };
  /** After `<operationId>: ` for a rate limit. */
  rateLimited: string;
  /** Rate limits the vendor reports with another status (GitHub's 403 "rate limit"); 429 always is one. */
  isRateLimit?: (error: UpstreamError) => boolean;
}

/**
 * The one mapping of a vendor's refusals to {@link ActionError}s: `<op>: <notFound>` (404),
 * `<op>: <Label> refused: <detail>` (the refusal statuses), `<op>: <rateLimited>` (429); any
 * other error is rethrown unchanged.
 *
 * @param operationId - the tool's operation, named in the message
 * @param error - what the operation threw
 * @param refusals - the vendor's wording
 * @example
 * try { await fn(); } catch (error) { mapUpstreamError('getIssue', error, JIRA_REFUSALS); }
 */
export const mapUpstreamError = (operationId: string, error: unknown, refusals: UpstreamRefusals): never => {
  if (error instanceof UpstreamError && error.service === refusals.service) {
    if (error.status === 404) throw new ActionError(404, `${operationId}: ${refusals.notFound}`);
    if (refusals.refused.statuses.includes(error.status))
      throw new ActionError(
        refusals.refused.as,
        `${operationId}: ${refusals.label} refused: ${refusals.refused.detail(error)}`,
      );
    if (error.status === 429 || refusals.isRateLimit?.(error) === true)
      throw new ActionError(429, `${operationId}: ${refusals.rateLimited}`);
  }
  throw error;
};

/**
 * Wraps the operations of an action group with {@link mapUpstreamError}.
 *
 * @param refusals - the vendor's wording
 * @returns `guarded(operationId, fn)`: the operation as an {@link OperationHandler}
 * @example
 * const guarded = guardUpstream(SENTRY_REFUSALS);
 * const operations = { getIssue: guarded('getIssue', (a: { issueId: string }) => ops.getIssue(deps, a)) };
 */
export const guardUpstream =
  (refusals: UpstreamRefusals) =>
  <A>(
    operationId: string,
    fn: (args: A, ctx: Parameters<OperationHandler>[1]) => Promise<unknown>,
  ): OperationHandler =>
  async (args, ctx) => {
    try {
      return await fn(args as A, ctx);
    } catch (error) {
      return mapUpstreamError(operationId, error, refusals);
    }
  };
