import {
  type ActionGroupEvent,
  type ActionGroupResponse,
  createActionGroupHandler,
  type OperationHandler,
} from '@enterprise-agents/core/bedrock';
import { dispatchEvent, guardUpstream, type UpstreamRefusals } from '@enterprise-agents/core/lambda';
import type { Logger } from '@enterprise-agents/core/logging';
import { isPlainObject } from '@enterprise-agents/core/util';
import type { CiWaitDeps } from '@enterprise-agents/core/workflow';
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
export const GITHUB_REFUSALS: UpstreamRefusals = {
  service: 'github',
  label: 'GitHub',
  notFound: 'not found on GitHub; check repo, branch, path and ids',
  refused: {
    statuses: [409, 422],
    as: 409,
    detail: (error) => error.message.replace(/^github answered \d+: /, ''),
  },
  rateLimited: 'GitHub rate limit reached; wait a minute before retrying',
  isRateLimit: (error) => error.status === 403 && /rate limit/i.test(error.message),
};

const guarded = guardUpstream(GITHUB_REFUSALS);

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
  const dispatch = dispatchEvent({
    actionGroup,
    actions: {
      registerCiWait: async (payload) => {
        const input = parseRegisterCiWait(payload);
        const result = await registerCiWait(deps.ciWait, input);
        deps.logger.info(
          { taskId: input.taskId, repo: input.repo, sha: input.headSha, resolved: result.resolved },
          'ci wait registered',
        );
        return result;
      },
    },
    unsupported: (event) => {
      const action = isPlainObject(event) ? String(event.action ?? '') : typeof event;
      return new Error(
        `github-actions: unsupported event (action "${action.slice(0, 40)}"); expected a Bedrock action group event or action=registerCiWait`,
      );
    },
  });
  return (event: unknown) => dispatch(event) as Promise<ActionGroupResponse | RegisterCiWaitResult>;
};
