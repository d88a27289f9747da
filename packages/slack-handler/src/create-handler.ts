import type {
  ApprovalStore,
  CostStore,
  TaskRepository,
  ThreadStore,
  TimelineRepository,
} from '@enterprise-agents/core/db';
import {
  AppError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthorizedError,
} from '@enterprise-agents/core/errors';
import {
  assertBodySize,
  errorResponse,
  type HttpEvent,
  type HttpResult,
  header,
  jsonResponse,
  parseForm,
  rawBody,
  routeOf,
} from '@enterprise-agents/core/http';
import { type ActionPayload, dispatchEvent, isActionPayload } from '@enterprise-agents/core/lambda';
import { type Logger, withCorrelation } from '@enterprise-agents/core/logging';
import {
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  verifySlackSignature,
} from '@enterprise-agents/core/signatures';
import { type Clock, systemClock } from '@enterprise-agents/core/util';
import type {
  EventPublisherPort,
  ExecutionControlPort,
  TaskCallbackPort,
} from '@enterprise-agents/core/workflow';
import type { SlackSettings } from './config';
import { requestApproval } from './domain/approvals';
import { ApproverPolicy } from './domain/approvers';
import { runFollowUp } from './domain/follow-ups';
import { notify } from './domain/notifications';
import type { FollowUpPort, NotificationLedgerPort, ResponderPort, SlackPort } from './domain/ports';
import { TaskThreads } from './domain/task-threads';
import { handleSlashCommand, readSlashCommand } from './http/commands';
import { handleInteraction, readInteraction } from './http/interactions';
import type { HttpServices } from './http/services';
import { parseFollowUp, parseNotify, parseRequestApproval } from './payloads';

/** Everything the handler needs; production wiring is in handler.ts, tests inject fakes. */
export interface SlackHandlerDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
  approvals: ApprovalStore;
  threadStore: ThreadStore;
  costs: CostStore;
  ledger: NotificationLedgerPort;
  callback: TaskCallbackPort;
  executions: ExecutionControlPort;
  publisher: EventPublisherPort;
  slack: SlackPort;
  responder: ResponderPort;
  followUps: FollowUpPort;
  /** Read per request (cached by the secret store), so a rotated secret is picked up. */
  signingSecret: () => Promise<string>;
  settings: SlackSettings;
  logger: Logger;
  clock?: Clock;
  /** Largest accepted request body (Slack interaction payloads stay well below). */
  maxBodyBytes?: number;
  /** Cache of approver user-group members. */
  approverCacheMs?: number;
}

/** The one entry point: API Gateway events, Step Functions tasks and our own follow-ups. */
export type SlackHandler = (event: unknown) => Promise<unknown>;

const COMMANDS_PATH = '/slack/commands';
const INTERACTIONS_PATH = '/slack/interactions';
// Slack gives up after 3 s; warn well before so slow paths show up in the logs.
const BUDGET_WARN_MS = 2000;

const emptyOk = (): HttpResult => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: '' });

/** Builds the handler from its dependencies. */
export const createHandler = (deps: SlackHandlerDeps): SlackHandler => {
  const clock = deps.clock ?? systemClock;
  const maxBodyBytes = deps.maxBodyBytes ?? 512 * 1024;
  const approvers = new ApproverPolicy(deps.settings, deps.slack, clock, deps.logger, deps.approverCacheMs);
  const threads = new TaskThreads({
    threads: deps.threadStore,
    slack: deps.slack,
    settings: deps.settings,
    logger: deps.logger,
  });
  const services = (logger: Logger): HttpServices => ({ ...deps, logger, approvers, threads, clock });

  const http = async (event: HttpEvent): Promise<HttpResult> => {
    const started = clock.now().getTime();
    const logger = withCorrelation(deps.logger, { requestId: event.requestContext?.requestId });
    const { method, path } = routeOf(event);
    try {
      if (path !== COMMANDS_PATH && path !== INTERACTIONS_PATH)
        throw new NotFoundError(`no route for ${path}`);
      if (method !== 'POST') throw new MethodNotAllowedError(`${path} accepts POST only`);
      const body = rawBody(event);
      assertBodySize(body, maxBodyBytes);
      // Slack's certificate check carries no signature and asks for nothing but a 200 (Bolt does the same).
      if (parseForm(body).get('ssl_check') === '1') return emptyOk();
      const check = verifySlackSignature({
        body,
        signature: header(event, SLACK_SIGNATURE_HEADER),
        timestamp: header(event, SLACK_TIMESTAMP_HEADER),
        signingSecret: await deps.signingSecret(),
        nowMs: clock.now().getTime(),
      });
      if (!check.ok) {
        logger.warn({ reason: check.reason, path }, 'rejected Slack request');
        throw new UnauthorizedError('invalid Slack signature');
      }
      const form = parseForm(body);
      if (path === COMMANDS_PATH) {
        const slash = readSlashCommand(form);
        try {
          const message = await handleSlashCommand(services(logger), slash);
          return jsonResponse(200, { response_type: 'ephemeral', ...message });
        } catch (error) {
          if (error instanceof AppError && error.expose) throw error;
          // The person sees an ephemeral apology rather than Slack's opaque "dispatch_failed".
          logger.error({ err: error }, 'slash command failed');
          return jsonResponse(200, {
            response_type: 'ephemeral',
            text: ':warning: Something went wrong; please try again. The error is in the logs.',
          });
        }
      }
      const answer = await handleInteraction(services(logger), readInteraction(form));
      return answer.kind === 'ack'
        ? emptyOk()
        : jsonResponse(200, { response_action: 'errors', errors: answer.errors });
    } catch (error) {
      return errorResponse(error, logger);
    } finally {
      const elapsed = clock.now().getTime() - started;
      if (elapsed > BUDGET_WARN_MS)
        logger.warn({ elapsedMs: elapsed, path }, 'Slack request close to the 3 s budget');
    }
  };

  const taskLogger = (payload: ActionPayload): Logger =>
    withCorrelation(deps.logger, {
      ...(typeof payload.taskId === 'string' ? { taskId: payload.taskId } : {}),
    });
  return dispatchEvent({
    http,
    actions: {
      requestApproval: async (payload) =>
        requestApproval({ ...deps, threads, logger: taskLogger(payload) }, parseRequestApproval(payload)),
      notify: async (payload) =>
        notify(
          { ...deps, threads, logger: taskLogger(payload), maxFixAttempts: deps.settings.maxFixAttempts },
          parseNotify(payload),
        ),
      commandFollowUp: async (payload) => runFollowUp(services(taskLogger(payload)), parseFollowUp(payload)),
    },
    unsupported: (event) =>
      isActionPayload(event)
        ? new AppError(`unsupported action ${String(event.action).slice(0, 50)}`, {
            code: 'UnsupportedEvent',
            expose: true,
          })
        : new AppError('unsupported event: expected an API Gateway request or an {action} payload', {
            code: 'UnsupportedEvent',
            expose: true,
          }),
  });
};
