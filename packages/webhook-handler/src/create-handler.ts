import { createHash } from 'node:crypto';
import { TaskSource } from '@enterprise-agents/core/domain';
import {
  BadRequestError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthorizedError,
} from '@enterprise-agents/core/errors';
import {
  assertBodySize,
  assertJsonContentType,
  errorResponse,
  type HttpEvent,
  type HttpResult,
  header,
  jsonResponse,
  parseJsonObject,
  rawBody,
  routeOf,
} from '@enterprise-agents/core/http';
import { type Logger, withCorrelation } from '@enterprise-agents/core/logging';
import {
  GITHUB_SIGNATURE_HEADER,
  JIRA_SIGNATURE_HEADER,
  SENTRY_SIGNATURE_HEADER,
  type VerifyResult,
  verifyGitHubSignature,
  verifyJiraSignature,
  verifySentrySignature,
} from '@enterprise-agents/core/signatures';
import type { WebhookConfig } from './config';
import { decideGitHub } from './domain/github';
import { decideJira } from './domain/jira';
import type { JsonObject } from './domain/json';
import { answer, type DeliveryPlan, ignored, type Outcome, OutcomeStatus } from './domain/outcome';
import { type DeliveryLedger, type EffectDeps, type WebhookSecretsPort, WebhookSource } from './domain/ports';
import { decideSentry } from './domain/sentry';
import { startOrReport } from './domain/task-flow';

/** What {@link createHandler} needs: configuration, secrets, dedupe and the effect ports. */
export interface WebhookHandlerDeps extends EffectDeps {
  config: WebhookConfig;
  secrets: WebhookSecretsPort;
  deliveries: DeliveryLedger;
}

export type WebhookHandler = (event: HttpEvent) => Promise<HttpResult>;

type Route = WebhookSource | 'health';

const ROUTES: Readonly<Record<string, { route: Route; methods: readonly string[] }>> = {
  '/webhooks/github': { route: WebhookSource.GitHub, methods: ['POST'] },
  '/webhooks/jira': { route: WebhookSource.Jira, methods: ['POST'] },
  '/webhooks/sentry': { route: WebhookSource.Sentry, methods: ['POST'] },
  '/health': { route: 'health', methods: ['GET', 'HEAD'] },
};

const SENDER_NAMES: Readonly<Record<WebhookSource, string>> = {
  github: 'GitHub',
  jira: 'Jira',
  sentry: 'Sentry',
};

const SIGNATURE_HEADERS: Readonly<Record<WebhookSource, { name: string; display: string }>> = {
  github: { name: GITHUB_SIGNATURE_HEADER, display: 'X-Hub-Signature-256' },
  jira: { name: JIRA_SIGNATURE_HEADER, display: 'X-Hub-Signature' },
  sentry: { name: SENTRY_SIGNATURE_HEADER, display: 'Sentry-Hook-Signature' },
};

const VERIFIERS: Readonly<
  Record<
    WebhookSource,
    (body: Buffer, signature: string | undefined, secrets: readonly string[]) => VerifyResult
  >
> = {
  github: verifyGitHubSignature,
  jira: verifyJiraSignature,
  sentry: verifySentrySignature,
};

// Delivery ids become part of a DynamoDB key: keep them short and plain.
const DELIVERY_ID = /^[\w.:-]{1,128}$/;

class WebhookMethodNotAllowed extends MethodNotAllowedError {
  constructor(readonly allow: readonly string[]) {
    super(`method not allowed; use ${allow.join(' or ')}`);
  }
}

const matchRoute = (event: HttpEvent): Route => {
  const { method, path } = routeOf(event);
  const stage = event.requestContext?.stage;
  // A named stage prefixes rawPath (`/prod/webhooks/github`); $default does not.
  let normalised = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (stage !== undefined && stage !== '$default' && normalised.startsWith(`/${stage}/`)) {
    normalised = normalised.slice(stage.length + 1);
  }
  const entry = ROUTES[normalised];
  if (entry === undefined || !Object.hasOwn(ROUTES, normalised)) {
    throw new NotFoundError(`no route for ${method} ${path}`);
  }
  if (!entry.methods.includes(method)) throw new WebhookMethodNotAllowed(entry.methods);
  return entry.route;
};

const bodyDigest = (body: Buffer): string => `sha256-${createHash('sha256').update(body).digest('hex')}`;

const deliveryHeader = (event: HttpEvent, name: string): string | undefined => {
  const value = header(event, name)?.trim();
  if (value === undefined || value === '') return undefined;
  if (!DELIVERY_ID.test(value)) throw new BadRequestError(`${name} header is malformed`);
  return value;
};

const statusCodeOf = (outcome: Outcome): number => (outcome.status === OutcomeStatus.Accepted ? 202 : 200);

/**
 * The webhook Lambda: route → body size → signature on the raw bytes → JSON →
 * plan → dedupe claim → effects. Bad input gets a 4xx with a message; only our
 * own failures are 5xx, and those give the delivery claim back so the sender's
 * retry is processed.
 */
export const createHandler = (deps: WebhookHandlerDeps): WebhookHandler => {
  const { config } = deps;

  const verify = async (
    source: WebhookSource,
    event: HttpEvent,
    body: Buffer,
    log: Logger,
  ): Promise<void> => {
    const secrets = await deps.secrets.secretsFor(source);
    const { name, display } = SIGNATURE_HEADERS[source];
    if (secrets.length === 0) {
      log.error({ source }, `no ${source} webhook secret is configured; every delivery is refused`);
    }
    const result = VERIFIERS[source](body, header(event, name), secrets);
    if (!result.ok) {
      log.warn({ source, reason: result.reason }, 'signature rejected');
      throw new UnauthorizedError(`missing or invalid ${display} signature`);
    }
  };

  const plan = (source: WebhookSource, event: HttpEvent, payload: JsonObject, body: Buffer): DeliveryPlan => {
    switch (source) {
      case WebhookSource.GitHub: {
        const name = header(event, 'x-github-event')?.trim();
        if (name === undefined || name === '') throw new BadRequestError('missing X-GitHub-Event header');
        const deliveryId = deliveryHeader(event, 'x-github-delivery');
        if (deliveryId === undefined) throw new BadRequestError('missing X-GitHub-Delivery header');
        return decideGitHub(deps, config.github, { event: name, deliveryId, payload });
      }
      case WebhookSource.Jira: {
        const decision = decideJira(payload, config.jira);
        if (decision.kind === 'ignore') return ignored(decision.reason);
        // Jira Data Center sends no identifier; a byte-identical retry still dedupes on the digest.
        const deliveryId = deliveryHeader(event, 'x-atlassian-webhook-identifier') ?? bodyDigest(body);
        return {
          kind: 'act',
          source: TaskSource.Jira,
          deliveryId,
          event: `jira.${decision.trigger}`,
          run: () => startOrReport(deps, decision.task, decision.actor),
        };
      }
      case WebhookSource.Sentry: {
        const decision = decideSentry(
          header(event, 'sentry-hook-resource')?.trim(),
          payload,
          config.sentry.minLevel,
        );
        if (decision.kind === 'ignore') return ignored(decision.reason);
        if (decision.kind === 'acknowledge')
          return answer({ status: OutcomeStatus.Ok, reason: decision.reason });
        return {
          kind: 'act',
          source: TaskSource.Sentry,
          deliveryId: decision.deliveryId,
          event: decision.deliveryId.split(':').slice(0, 2).join('.'),
          run: () => startOrReport(deps, decision.task, decision.actor),
        };
      }
    }
  };

  const execute = async (action: Extract<DeliveryPlan, { kind: 'act' }>, log: Logger): Promise<Outcome> => {
    const first = await deps.deliveries.claim(action.source, action.deliveryId, { event: action.event });
    if (!first)
      return {
        status: OutcomeStatus.Duplicate,
        reason: `delivery ${action.deliveryId} was already processed`,
      };
    let outcome: Outcome;
    try {
      outcome = await action.run();
    } catch (error) {
      // Give the claim back so the sender's retry (or a manual redelivery) runs again;
      // every effect behind it is itself conditional, so a partial first attempt is safe.
      await deps.deliveries.release(action.source, action.deliveryId).catch((releaseError: unknown) => {
        log.error(
          { err: releaseError, deliveryId: action.deliveryId },
          'could not release the delivery claim',
        );
      });
      throw error;
    }
    // Effects are done: a failure to mark it only lets a late redelivery re-run safe, conditional effects.
    await deps.deliveries.complete(action.source, action.deliveryId).catch((completeError: unknown) => {
      log.warn(
        { err: completeError, deliveryId: action.deliveryId },
        'could not mark the delivery processed',
      );
    });
    return outcome;
  };

  return async (event) => {
    const log = withCorrelation(deps.logger, { requestId: event.requestContext?.requestId });
    let source: Route | undefined;
    try {
      source = matchRoute(event);
      if (source === 'health') return jsonResponse(200, { status: 'ok' });
      const body = rawBody(event);
      assertBodySize(body, config.maxBodyBytes);
      await verify(source, event, body, log);
      assertJsonContentType(event, SENDER_NAMES[source]);
      const payload = parseJsonObject(body);
      const planned = plan(source, event, payload, body);
      const outcome = planned.kind === 'answer' ? planned.outcome : await execute(planned, log);
      log.info(
        {
          source,
          ...(planned.kind === 'act' ? { deliveryId: planned.deliveryId, event: planned.event } : {}),
          outcome: outcome.status,
          reason: outcome.reason,
          taskId: outcome.taskId,
        },
        'webhook handled',
      );
      return jsonResponse(statusCodeOf(outcome), outcome);
    } catch (error) {
      const response = errorResponse(error, log.child({ source }));
      if (error instanceof WebhookMethodNotAllowed) {
        return { ...response, headers: { ...response.headers, allow: error.allow.join(', ') } };
      }
      return response;
    }
  };
};
