import { ApprovalDecision } from '@enterprise-agents/core/db';
import { RunKind, type Task, TaskSource, TaskStatus } from '@enterprise-agents/core/domain';
import { BadRequestError } from '@enterprise-agents/core/errors';
import { canWrite } from '@enterprise-agents/core/github';
import { decideApproval, resolveCiWaits, stopTask } from '@enterprise-agents/core/workflow';
import { AgentCommand, HELP_TEXT, isAgentComment, parseAgentCommand } from './commands';
import { asObject, asPositiveInt, asString, asText, at, clip, type JsonObject } from './json';
import { answer, type DeliveryPlan, ignored, type Outcome, OutcomeStatus } from './outcome';
import type { EffectDeps } from './ports';
import { requestRun } from './task-flow';

/** The GitHub part of the configuration. */
export interface GitHubWebhookConfig {
  /** When set, events from repositories of other owners are ignored. */
  org?: string;
  /** The bot's login: its own comments and reviews are never commands. */
  botLogin?: string;
}

interface Actor {
  login: string;
  isBot: boolean;
}

interface PullRequestRef {
  repo: string;
  prNumber: number;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;
const MAX_FEEDBACK = 10_000;
const MAX_REVIEW_COMMENTS = 50;

const actorOf = (user: unknown, config: GitHubWebhookConfig): Actor | undefined => {
  const login = asText(at(user, 'login'));
  // GitHub logins are at most 39 characters; anything else is not a user we can check.
  if (login === undefined || !/^[\w.[\]-]{1,100}$/.test(login)) return undefined;
  const isBot =
    asString(at(user, 'type')) === 'Bot' ||
    login.endsWith('[bot]') ||
    (config.botLogin !== undefined && login.toLowerCase() === config.botLogin.toLowerCase());
  return { login, isBot };
};

const repoOf = (payload: JsonObject): string => {
  const repo = asText(at(payload, 'repository', 'full_name'));
  if (repo === undefined || !/^[\w.-]{1,100}\/[\w.-]{1,100}$/.test(repo)) {
    throw new BadRequestError('payload must carry repository.full_name (owner/name)');
  }
  return repo;
};

/** Replies on the PR; a failed reply is logged, never undoes the command it reports on. */
const reply = async (deps: EffectDeps, pr: PullRequestRef, body: string): Promise<void> => {
  try {
    await deps.github.commentOnIssue(pr.repo, pr.prNumber, body);
  } catch (error) {
    deps.logger.warn({ err: error, repo: pr.repo, pr: pr.prNumber }, 'could not reply on the pull request');
  }
};

const notATask = (pr: PullRequestRef): Outcome => ({
  status: OutcomeStatus.Ignored,
  reason: `pull request ${pr.repo}#${pr.prNumber} does not belong to an agent task`,
});

const formatStatus = async (deps: EffectDeps, task: Task): Promise<string> => {
  const events = await deps.timeline.list(task.taskId, { latest: 5 });
  const lines = [
    `**Task \`${task.taskId}\`** (${task.source} ${task.externalKey}): ${clip(task.title, 200)}`,
    '',
    `- Status: \`${task.status}\`${task.statusReason === undefined ? '' : ` (${clip(task.statusReason, 200)})`}`,
    `- Run: ${task.runId} (${task.runKind}); CI fix attempts in this run: ${task.attempts}`,
    `- LLM cost so far: $${Number(task.costUsd ?? 0).toFixed(2)}`,
  ];
  if (events.length > 0) {
    lines.push('- Latest events:');
    for (const event of events) lines.push(`  - ${event.at} \`${event.type}\`: ${clip(event.message, 200)}`);
  }
  return lines.join('\n');
};

const runCommand = async (
  deps: EffectDeps,
  pr: PullRequestRef,
  actor: Actor,
  body: string,
): Promise<Outcome> => {
  const task = await deps.tasks.findByPullRequest(pr.repo, pr.prNumber);
  if (task === undefined) return notATask(pr);
  const base = { taskId: task.taskId };
  const permission = await deps.github.permissionOf(pr.repo, actor.login);
  if (!canWrite(permission)) {
    await reply(
      deps,
      pr,
      `Sorry @${actor.login}, only people with write access to ${pr.repo} can give the agent commands.`,
    );
    return { ...base, status: OutcomeStatus.Refused, reason: `${actor.login} has ${permission} permission` };
  }
  const parsed = parseAgentCommand(body);
  const command = parsed?.command ?? AgentCommand.Help;
  const argument = parsed?.argument ?? '';
  const done = (result: string, message: string): Promise<Outcome> =>
    reply(deps, pr, message).then(() => ({ ...base, status: OutcomeStatus.Ok, command, result }));

  switch (command) {
    case AgentCommand.Approve:
    case AgentCommand.Reject: {
      const decision =
        command === AgentCommand.Approve ? ApprovalDecision.Approved : ApprovalDecision.Rejected;
      const reason = argument === '' ? undefined : clip(argument, 1000);
      const outcome = await decideApproval(deps, {
        taskId: task.taskId,
        decision,
        by: actor.login,
        via: 'github',
        ...(reason === undefined ? {} : { reason }),
      });
      if (outcome.status === 'decided') {
        return done(
          'decided',
          decision === ApprovalDecision.Approved
            ? `Plan approved by @${actor.login}. Implementation starts now.`
            : `Plan rejected by @${actor.login}${reason === undefined ? '' : `: ${reason}`}`,
        );
      }
      if (outcome.status === 'already-decided') {
        return done(
          'already-decided',
          `The plan was already ${outcome.approval.decision ?? 'decided'} by ${outcome.approval.decidedBy ?? 'someone else'}.`,
        );
      }
      return done(
        'not-awaiting',
        `This task is not waiting for a plan approval (status \`${outcome.taskStatus ?? 'unknown'}\`).`,
      );
    }
    case AgentCommand.Fix:
    case AgentCommand.Revise: {
      if (command === AgentCommand.Revise && argument === '') {
        return done('usage', 'Please say what to change: `/agent revise <feedback>`.');
      }
      const kind = command === AgentCommand.Fix ? RunKind.Fix : RunKind.Revise;
      const run = await requestRun(deps, task, kind, {
        author: actor.login,
        text: clip(argument, MAX_FEEDBACK),
      });
      if (!run.started) {
        return reply(
          deps,
          pr,
          `A run is already in progress (status \`${run.task.status}\`). Wait for it to finish, or \`/agent stop\` it first.`,
        ).then(() => ({
          ...base,
          status: OutcomeStatus.InProgress,
          command,
          reason: `task is ${run.task.status}`,
        }));
      }
      await reply(
        deps,
        pr,
        `${kind === RunKind.Fix ? 'Fix' : 'Revision'} run ${run.task.runId} requested by @${actor.login}.`,
      );
      return { ...base, status: OutcomeStatus.Accepted, command, runId: run.task.runId };
    }
    case AgentCommand.Stop: {
      const outcome = await stopTask(deps, task, {
        by: actor.login,
        reason: `stopped by @${actor.login} with /agent stop on ${pr.repo}#${pr.prNumber}`,
      });
      return outcome.status === 'stopped'
        ? done('stopped', `Task stopped by @${actor.login}.`)
        : done('not-active', `This task has already ended (status \`${task.status}\`).`);
    }
    case AgentCommand.Status:
      return done('status', await formatStatus(deps, task));
    default: {
      const intro = parsed?.command === 'unknown' ? `Unknown command \`${clip(parsed.word, 40)}\`.\n\n` : '';
      return done('help', `${intro}${HELP_TEXT}`);
    }
  }
};

const runReview = async (
  deps: EffectDeps,
  pr: PullRequestRef,
  actor: Actor,
  review: JsonObject,
): Promise<Outcome> => {
  const task = await deps.tasks.findByPullRequest(pr.repo, pr.prNumber);
  if (task === undefined) return notATask(pr);
  const permission = await deps.github.permissionOf(pr.repo, actor.login);
  if (!canWrite(permission)) {
    // Outside reviews are normal on public repositories; they are not requests to the agent.
    return {
      status: OutcomeStatus.Ignored,
      taskId: task.taskId,
      reason: `reviewer ${actor.login} has ${permission} permission`,
    };
  }
  const reviewId = asPositiveInt(review.id);
  let comments: string[] = [];
  if (reviewId !== undefined) {
    try {
      comments = (await deps.github.reviewComments(pr.repo, pr.prNumber, reviewId)).slice(
        0,
        MAX_REVIEW_COMMENTS,
      );
    } catch (error) {
      // The review body still carries the request; the agent can read the PR itself.
      deps.logger.warn({ err: error, repo: pr.repo, pr: pr.prNumber }, 'could not list review comments');
    }
  }
  const run = await requestRun(deps, task, RunKind.Revise, {
    author: actor.login,
    text: clip(asString(review.body) ?? '', MAX_FEEDBACK),
    reviewComments: comments.map((comment) => clip(comment, 2000)),
  });
  if (!run.started) {
    await reply(
      deps,
      pr,
      `@${actor.login} a run is already in progress (status \`${run.task.status}\`); request changes again once it has finished.`,
    );
    return {
      status: OutcomeStatus.InProgress,
      taskId: task.taskId,
      reason: `task is ${run.task.status}`,
    };
  }
  await reply(
    deps,
    pr,
    `Revision run ${run.task.runId} started for the changes requested by @${actor.login}.`,
  );
  return { status: OutcomeStatus.Accepted, taskId: task.taskId, runId: run.task.runId };
};

const runCi = async (deps: EffectDeps, repo: string, sha: string): Promise<Outcome> => {
  const resolution = await resolveCiWaits(deps, repo, sha);
  switch (resolution.status) {
    case 'no-wait':
      return { status: OutcomeStatus.Ignored, reason: `no task waits for CI on ${repo}@${sha.slice(0, 7)}` };
    case 'pending':
      return {
        status: OutcomeStatus.Pending,
        reason: `CI on ${sha.slice(0, 7)} is not decided yet (${resolution.runs} run(s) seen)`,
      };
    default:
      return {
        status: OutcomeStatus.Resumed,
        taskIds: resolution.resumed,
        result: resolution.result.success ? 'success' : 'failure',
      };
  }
};

const runClosed = async (
  deps: EffectDeps,
  pr: PullRequestRef,
  merged: boolean,
  by: string,
): Promise<Outcome> => {
  const task = await deps.tasks.findByPullRequest(pr.repo, pr.prNumber);
  if (task === undefined) return notATask(pr);
  const outcome = await stopTask(deps, task, {
    by,
    reason: `${pr.repo}#${pr.prNumber} ${merged ? 'merged' : 'closed without merging'} by ${by}`,
    status: merged ? TaskStatus.Completed : TaskStatus.Cancelled,
  });
  return outcome.status === 'stopped'
    ? { status: OutcomeStatus.Ok, taskId: task.taskId, result: merged ? 'completed' : 'cancelled' }
    : { status: OutcomeStatus.Ignored, taskId: task.taskId, reason: `task already ended (${task.status})` };
};

const headShaOf = (value: unknown, field: string): string => {
  const sha = asText(value);
  if (sha === undefined || !SHA.test(sha)) throw new BadRequestError(`${field} must be a commit SHA`);
  return sha.toLowerCase();
};

/**
 * Decides what a GitHub webhook means for us: `/agent` commands on a task's PR,
 * changes requested on it, CI completing on a commit a task waits for, and the
 * PR closing. Reads and writes happen in the returned action, which runs once
 * per delivery.
 */
export const decideGitHub = (
  deps: EffectDeps,
  config: GitHubWebhookConfig,
  input: { event: string; deliveryId: string; payload: JsonObject },
): DeliveryPlan => {
  const { event, deliveryId, payload } = input;
  if (event === 'ping') return answer({ status: OutcomeStatus.Ok, reason: 'pong' });
  const owner = asText(at(payload, 'repository', 'owner', 'login'));
  if (config.org !== undefined && owner !== undefined && owner.toLowerCase() !== config.org.toLowerCase()) {
    return ignored(`repository owner ${owner} is not the configured org ${config.org}`);
  }
  const action = asString(payload.action);
  const act = (run: () => Promise<Outcome>): DeliveryPlan => ({
    kind: 'act',
    source: TaskSource.GitHub,
    deliveryId,
    event: `${event}.${action ?? ''}`,
    run,
  });

  switch (event) {
    case 'issue_comment': {
      if (action !== 'created') return ignored(`issue_comment ${action ?? ''} is not handled`);
      if (asObject(at(payload, 'issue', 'pull_request')) === undefined)
        return ignored('comment is on an issue, not a pull request');
      const body = asString(at(payload, 'comment', 'body')) ?? '';
      if (!isAgentComment(body)) return ignored('comment is not an /agent command');
      const actor = actorOf(at(payload, 'comment', 'user'), config) ?? actorOf(payload.sender, config);
      if (actor === undefined)
        throw new BadRequestError('issue_comment payload must carry comment.user.login');
      if (actor.isBot) return ignored(`comment by bot ${actor.login}`);
      const pr = { repo: repoOf(payload), prNumber: asPositiveInt(at(payload, 'issue', 'number')) };
      if (pr.prNumber === undefined)
        throw new BadRequestError('issue_comment payload must carry issue.number');
      const ref = { repo: pr.repo, prNumber: pr.prNumber };
      return act(() => runCommand(deps, ref, actor, body));
    }
    case 'pull_request_review': {
      const review = asObject(payload.review);
      const state = asString(review?.state)?.toLowerCase();
      if (action !== 'submitted' || review === undefined || state !== 'changes_requested') {
        return ignored(
          `pull_request_review ${action ?? ''} (${state ?? 'no state'}) is not a change request`,
        );
      }
      const actor = actorOf(review.user, config) ?? actorOf(payload.sender, config);
      if (actor === undefined)
        throw new BadRequestError('pull_request_review payload must carry review.user.login');
      if (actor.isBot) return ignored(`review by bot ${actor.login}`);
      const prNumber = asPositiveInt(at(payload, 'pull_request', 'number'));
      if (prNumber === undefined)
        throw new BadRequestError('pull_request_review payload must carry pull_request.number');
      const ref = { repo: repoOf(payload), prNumber };
      return act(() => runReview(deps, ref, actor, review));
    }
    case 'workflow_run':
    case 'check_suite': {
      if (action !== 'completed') return ignored(`${event} ${action ?? ''} is not a completion`);
      const sha = headShaOf(at(payload, event, 'head_sha'), `${event}.head_sha`);
      const repo = repoOf(payload);
      return act(() => runCi(deps, repo, sha));
    }
    case 'pull_request': {
      if (action !== 'closed') return ignored(`pull_request ${action ?? ''} is not handled`);
      const prNumber = asPositiveInt(at(payload, 'pull_request', 'number')) ?? asPositiveInt(payload.number);
      if (prNumber === undefined)
        throw new BadRequestError('pull_request payload must carry pull_request.number');
      const ref = { repo: repoOf(payload), prNumber };
      const merged = at(payload, 'pull_request', 'merged') === true;
      const by = actorOf(payload.sender, config)?.login ?? 'github';
      return act(() => runClosed(deps, ref, merged, by));
    }
    default:
      return ignored(`github event ${event} is not handled`);
  }
};

/** Review comments as `path:line: body` lines: core's formatter, the one the GitHub adapter uses. */
export { formatReviewComment, formatReviewComments } from '@enterprise-agents/core/github';
