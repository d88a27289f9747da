import {
  type ActionGroupEvent,
  type ActionGroupResponse,
  createActionGroupHandler,
  type OperationHandler,
} from '@enterprise-agents/core/bedrock';
import { ConfigError } from '@enterprise-agents/core/errors';
import { dispatchEvent, guardUpstream, type UpstreamRefusals } from '@enterprise-agents/core/lambda';
import type { Logger } from '@enterprise-agents/core/logging';
import { isPlainObject } from '@enterprise-agents/core/util';
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
export const JIRA_REFUSALS: UpstreamRefusals = {
  service: 'jira',
  label: 'Jira',
  notFound: 'issue not found or not visible to the bot; check the key',
  refused: {
    statuses: [400, 409, 422],
    as: 400,
    detail: (error) => jiraMessage(error.body) || `status ${error.status}`,
  },
  rateLimited: 'Jira rate limit reached; wait before retrying',
};

const guarded = guardUpstream(JIRA_REFUSALS);

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
  const dispatch = dispatchEvent({
    actionGroup,
    actions: {
      commentOnIssue: async (payload) => {
        const input = parseCommentOnIssue(payload);
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
      },
    },
    unsupported: (event) => {
      const action = isPlainObject(event) ? String(event.action ?? '') : typeof event;
      return new Error(
        `jira-actions: unsupported event (action "${action.slice(0, 40)}"); expected a Bedrock action group event (messageVersion + apiPath) or action=commentOnIssue`,
      );
    },
  });
  return (event: unknown) => dispatch(event) as Promise<ActionGroupResponse | CommentOnIssueResult>;
};
