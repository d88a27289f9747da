import {
  ActionError,
  type ActionGroupEvent,
  createActionGroupHandler,
  type Logger,
  type OperationHandler,
  UpstreamError,
} from '@enterprise-agents/core';
import type { JiraToolDeps } from './domain/operations';
import * as ops from './domain/operations';
import { JIRA_ACTION_GROUPS } from './schemas';

/** Everything the handler needs; production wiring is in handler.ts. */
export interface JiraActionsDeps extends JiraToolDeps {
  logger: Logger;
}

const jiraMessage = (body: unknown): string => {
  const b = body as { errorMessages?: string[]; errors?: Record<string, string> } | undefined;
  return [...(b?.errorMessages ?? []), ...Object.entries(b?.errors ?? {}).map(([k, v]) => `${k}: ${v}`)].join(
    '; ',
  );
};

/** Jira's refusals as answers the model can act on; auth and outages stay 502. */
const guarded =
  <A>(
    operationId: string,
    fn: (args: A, ctx: Parameters<OperationHandler>[1]) => Promise<unknown>,
  ): OperationHandler =>
  async (args, ctx) => {
    try {
      return await fn(args as A, ctx);
    } catch (error) {
      if (error instanceof UpstreamError && error.service === 'jira') {
        if (error.status === 404) {
          throw new ActionError(
            404,
            `${operationId}: issue not found or not visible to the bot; check the key`,
          );
        }
        if (error.status === 400 || error.status === 409 || error.status === 422) {
          throw new ActionError(
            400,
            `${operationId}: Jira refused: ${jiraMessage(error.body) || `status ${error.status}`}`,
          );
        }
        if (error.status === 429)
          throw new ActionError(429, `${operationId}: Jira rate limit reached; wait before retrying`);
      }
      throw error;
    }
  };

/** Operation id → implementation: the set the contract test compares with the schema. */
export const jiraOperations = (deps: JiraToolDeps): Record<string, OperationHandler> => ({
  getIssue: guarded('getIssue', (a: Parameters<typeof ops.getIssue>[1]) => ops.getIssue(deps, a)),
  addComment: guarded('addComment', (a: Parameters<typeof ops.addComment>[1], ctx) =>
    ops.addComment(deps, a, ctx),
  ),
  listTransitions: guarded('listTransitions', (a: Parameters<typeof ops.listTransitions>[1]) =>
    ops.listTransitions(deps, a),
  ),
  transitionIssue: guarded('transitionIssue', (a: Parameters<typeof ops.transitionIssue>[1], ctx) =>
    ops.transitionIssue(deps, a, ctx),
  ),
});

/** The jira-actions Lambda: the Jira action group for Bedrock agents. */
export const createHandler = (deps: JiraActionsDeps) => {
  const actionGroup = createActionGroupHandler({
    documents: JIRA_ACTION_GROUPS,
    operations: jiraOperations(deps),
    logger: deps.logger,
  });
  return async (event: unknown) => {
    if (
      typeof event !== 'object' ||
      event === null ||
      typeof (event as { apiPath?: unknown }).apiPath !== 'string'
    ) {
      throw new Error(
        'jira-actions: unsupported event; expected a Bedrock action group event (messageVersion + apiPath)',
      );
    }
    return actionGroup(event as ActionGroupEvent);
  };
};
