import {
  ActionError,
  type ActionGroupEvent,
  type ActionGroupResponse,
  ConfigError,
  createActionGroupHandler,
  isActionGroupEvent,
  type Logger,
  type OperationHandler,
  UpstreamError,
} from '@enterprise-agents/core';
import { type CommentOnIssueResult, commentOnIssue, parseCommentOnIssue } from './domain/final-comment';
import type { JiraToolDeps } from './domain/operations';
import * as ops from './domain/operations';
import type { TaskReader } from './domain/ports';
import { JIRA_ACTION_GROUPS } from './schemas';

/** Everything the handler needs; production wiring is in handler.ts. */
export interface JiraActionsDeps extends JiraToolDeps {
  /**
   * The task table, for the Step Functions action `commentOnIssue` (issue key and PR
   * come from the task). Optional so action-group-only callers keep compiling; that
   * action fails with a ConfigError without it.
   */
  tasks?: TaskReader;
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

/** What the Lambda can be invoked with. */
export type JiraActionsEvent = ActionGroupEvent | { action: 'commentOnIssue'; [key: string]: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The jira-actions Lambda: the Jira action group for Bedrock agents (event with
 * `messageVersion` and `apiPath`), and the Step Functions task `commentOnIssue`
 * (the final comment on COMPLETED / ESCALATED / REJECTED). Anything else is
 * refused with a clear error.
 */
export const createHandler = (deps: JiraActionsDeps) => {
  const actionGroup = createActionGroupHandler({
    documents: JIRA_ACTION_GROUPS,
    operations: jiraOperations(deps),
    logger: deps.logger,
  });
  return async (event: unknown): Promise<ActionGroupResponse | CommentOnIssueResult> => {
    if (isActionGroupEvent(event)) return actionGroup(event);
    if (isObject(event) && event.action === 'commentOnIssue') {
      const input = parseCommentOnIssue(event);
      if (deps.tasks === undefined)
        throw new ConfigError('jira-actions: commentOnIssue needs the task table (deps.tasks)');
      const log = { taskId: input.taskId, runId: input.runId, kind: input.kind };
      try {
        const result = await commentOnIssue(
          { jira: deps.jira, audit: deps.audit, tasks: deps.tasks, allowedProjects: deps.allowedProjects },
          input,
        );
        deps.logger.info({ ...log, ...result }, 'final jira comment');
        return result;
      } catch (error) {
        // Logged here because the state machine swallows it: the run's outcome must not depend on Jira.
        const err = error as Error;
        deps.logger.warn(
          { ...log, err: { name: err.name, message: err.message } },
          'final jira comment failed',
        );
        throw error;
      }
    }
    const action = isObject(event) ? String(event.action ?? '') : typeof event;
    throw new Error(
      `jira-actions: unsupported event (action "${action.slice(0, 40)}"); expected a Bedrock action group event (messageVersion + apiPath) or action=commentOnIssue`,
    );
  };
};
