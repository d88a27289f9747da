import {
  ActionError,
  type ActionGroupEvent,
  type ActionGroupResponse,
  type CiWaitDeps,
  createActionGroupHandler,
  isActionGroupEvent,
  type Logger,
  type OperationHandler,
  UpstreamError,
} from '@enterprise-agents/core';
import * as ci from './domain/ci';
import * as discovery from './domain/discovery';
import type { Guardrails } from './domain/guardrails';
import * as planning from './domain/planning';
import type { AuditLog, RepoHost } from './domain/ports';
import { parseRegisterCiWait, type RegisterCiWaitResult, registerCiWait } from './domain/register-ci-wait';
import { GITHUB_ACTION_GROUPS } from './schemas';

/** Everything the handler needs; production wiring is in handler.ts. */
export interface GitHubActionsDeps {
  host: RepoHost;
  guardrails: Guardrails;
  /** The task timeline (core TimelineRepository). */
  audit: AuditLog;
  /** CI wait registration: CiWaitStore, core GitHubPort, Step Functions callback, timeline. */
  ciWait: CiWaitDeps;
  logger: Logger;
}

/** GitHub's refusals as answers the model can act on; everything else stays a 502 for the adapter. */
const mapUpstream = (operationId: string, error: unknown): never => {
  if (error instanceof UpstreamError && error.service === 'github') {
    if (error.status === 404) {
      throw new ActionError(404, `${operationId}: not found on GitHub; check repo, branch, path and ids`);
    }
    if (error.status === 409 || error.status === 422) {
      throw new ActionError(
        409,
        `${operationId}: GitHub refused: ${error.message.replace(/^github answered \d+: /, '')}`,
      );
    }
    if (error.status === 429 || (error.status === 403 && /rate limit/i.test(error.message))) {
      throw new ActionError(429, `${operationId}: GitHub rate limit reached; wait a minute before retrying`);
    }
  }
  throw error;
};

const guarded =
  <A>(
    operationId: string,
    fn: (args: A, ctx: Parameters<OperationHandler>[1]) => Promise<unknown>,
  ): OperationHandler =>
  async (args, ctx) => {
    try {
      return await fn(args as A, ctx);
    } catch (error) {
      return mapUpstream(operationId, error);
    }
  };

/** Operation id → implementation: the set the contract test compares with the schemas. */
export const githubOperations = (
  deps: Omit<GitHubActionsDeps, 'ciWait' | 'logger'>,
): Record<string, OperationHandler> => {
  const d = { host: deps.host, guardrails: deps.guardrails, audit: deps.audit };
  return {
    searchCode: guarded('searchCode', (a: Parameters<typeof discovery.searchCode>[1]) =>
      discovery.searchCode(d, a),
    ),
    listRepositories: guarded('listRepositories', (a: Parameters<typeof discovery.listRepositories>[1]) =>
      discovery.listRepositories(d, a),
    ),
    getRepositoryTree: guarded('getRepositoryTree', (a: Parameters<typeof discovery.getRepositoryTree>[1]) =>
      discovery.getRepositoryTree(d, a),
    ),
    getFile: guarded('getFile', (a: Parameters<typeof discovery.getFile>[1]) => discovery.getFile(d, a)),
    getAgentInstructions: guarded(
      'getAgentInstructions',
      (a: Parameters<typeof discovery.getAgentInstructions>[1]) => discovery.getAgentInstructions(d, a),
    ),
    createBranch: guarded('createBranch', (a: Parameters<typeof planning.createBranch>[1], ctx) =>
      planning.createBranch(d, a, ctx),
    ),
    commitFiles: guarded('commitFiles', (a: Parameters<typeof planning.commitFiles>[1], ctx) =>
      planning.commitFiles(d, a, ctx),
    ),
    putFile: guarded('putFile', (a: Parameters<typeof planning.putFile>[1], ctx) =>
      planning.putFile(d, a, ctx),
    ),
    createDraftPullRequest: guarded(
      'createDraftPullRequest',
      (a: Parameters<typeof planning.createDraftPullRequest>[1], ctx) =>
        planning.createDraftPullRequest(d, a, ctx),
    ),
    commentOnPullRequest: guarded(
      'commentOnPullRequest',
      (a: Parameters<typeof planning.commentOnPullRequest>[1], ctx) =>
        planning.commentOnPullRequest(d, a, ctx),
    ),
    getPullRequestStatus: guarded(
      'getPullRequestStatus',
      (a: Parameters<typeof planning.getPullRequestStatus>[1]) => planning.getPullRequestStatus(d, a),
    ),
    listWorkflowRuns: guarded('listWorkflowRuns', (a: Parameters<typeof ci.listWorkflowRuns>[1]) =>
      ci.listWorkflowRuns(d, a),
    ),
    listJobs: guarded('listJobs', (a: Parameters<typeof ci.listJobs>[1]) => ci.listJobs(d, a)),
    getJobLog: guarded('getJobLog', (a: Parameters<typeof ci.getJobLog>[1]) => ci.getJobLog(d, a)),
    getCheckRunAnnotations: guarded(
      'getCheckRunAnnotations',
      (a: Parameters<typeof ci.getCheckRunAnnotations>[1]) => ci.getCheckRunAnnotations(d, a),
    ),
  };
};

/** What the Lambda can be invoked with. */
export type GitHubActionsEvent = ActionGroupEvent | { action: 'registerCiWait'; [key: string]: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The github-actions Lambda: Bedrock action groups (event with `messageVersion`
 * and `apiPath`) for every github-*.json schema, and the Step Functions task
 * `registerCiWait`. Anything else is refused with a clear error.
 */
export const createHandler = (deps: GitHubActionsDeps) => {
  const actionGroup = createActionGroupHandler({
    documents: GITHUB_ACTION_GROUPS,
    operations: githubOperations(deps),
    logger: deps.logger,
  });
  return async (event: unknown): Promise<ActionGroupResponse | RegisterCiWaitResult> => {
    if (isActionGroupEvent(event)) return actionGroup(event);
    if (isObject(event) && event.action === 'registerCiWait') {
      const input = parseRegisterCiWait(event);
      const result = await registerCiWait(deps.ciWait, input);
      deps.logger.info(
        { taskId: input.taskId, repo: input.repo, sha: input.headSha, resolved: result.resolved },
        'ci wait registered',
      );
      return result;
    }
    const action = isObject(event) ? String(event.action ?? '') : typeof event;
    throw new Error(
      `github-actions: unsupported event (action "${action.slice(0, 40)}"); expected a Bedrock action group event or action=registerCiWait`,
    );
  };
};
