import type { NewTask } from '@enterprise-agents/core/db';
import { type StackFrame, TaskSource } from '@enterprise-agents/core/domain';
import { BadRequestError } from '@enterprise-agents/core/errors';
import { asArray, asId, asNumber, asObject, asString, asText, at, clip, type JsonObject } from './json';

/** Sentry event levels, least severe first. */
export const SENTRY_LEVELS = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
export type SentryLevel = (typeof SENTRY_LEVELS)[number];

export const SentryResource = {
  Installation: 'installation',
  Issue: 'issue',
  EventAlert: 'event_alert',
} as const;

export type SentryDecision =
  | { kind: 'ignore'; reason: string }
  | { kind: 'acknowledge'; reason: string }
  | { kind: 'start'; deliveryId: string; task: NewTask; actor: string };

/** Frames handed to the agents: enough to locate the bug, small enough to store. */
export const MAX_FRAMES = 10;
const MAX_TITLE = 255;
// Ids become part of DynamoDB keys: plain and bounded.
const SENTRY_ID = /^[\w-]{1,64}$/;

const bounded = (value: unknown, max = 500): string | undefined => {
  const text = asText(value);
  return text === undefined ? undefined : clip(text, max);
};

const sentryId = (value: unknown): string | undefined => {
  const id = asId(value);
  return id !== undefined && SENTRY_ID.test(id) ? id : undefined;
};

const LEVEL_ALIASES: Readonly<Record<string, SentryLevel>> = {
  warn: 'warning',
  critical: 'fatal',
  log: 'info',
  sample: 'info',
};

/** The level's rank; unknown or missing levels count as `error` so nothing serious is dropped. */
export const levelRank = (level: string | undefined): number => {
  const normalised = (level ?? 'error').toLowerCase();
  const known = (SENTRY_LEVELS as readonly string[]).includes(normalised)
    ? (normalised as SentryLevel)
    : (LEVEL_ALIASES[normalised] ?? 'error');
  return SENTRY_LEVELS.indexOf(known);
};

const toFrame = (raw: unknown): StackFrame | undefined => {
  const frame = asObject(raw);
  if (frame === undefined) return undefined;
  const filename =
    asText(frame.filename) ?? asText(frame.abs_path) ?? asText(frame.module) ?? asText(frame.package);
  if (filename === undefined) return undefined;
  const fn = asText(frame.function);
  const lineno = asNumber(frame.lineno);
  const module = asText(frame.module);
  const contextLine = asText(frame.context_line);
  return {
    filename: clip(filename, 500),
    ...(fn === undefined ? {} : { function: clip(fn, 200) }),
    ...(lineno === undefined ? {} : { lineno }),
    ...(module === undefined ? {} : { module: clip(module, 200) }),
    ...(contextLine === undefined ? {} : { contextLine: clip(contextLine, 300) }),
    inApp: frame.in_app === true,
  };
};

/**
 * The top frames of an event's exceptions: the most recent exception and call
 * first (Sentry lists both oldest first), in-app frames before library frames.
 */
export const topFrames = (event: JsonObject, max = MAX_FRAMES): StackFrame[] => {
  const exceptions = asArray(at(event, 'exception', 'values'))
    .slice()
    .reverse();
  const frames = exceptions.flatMap((exception) =>
    asArray(at(exception, 'stacktrace', 'frames'))
      .slice()
      .reverse()
      .map(toFrame)
      .filter((frame): frame is StackFrame => frame !== undefined),
  );
  // Array.prototype.sort is stable, so recency order survives within each group.
  return frames.sort((a, b) => Number(b.inApp) - Number(a.inApp)).slice(0, max);
};

const projectSlugFromUrl = (url: string | undefined): string | undefined =>
  url === undefined ? undefined : /\/projects\/[^/]+\/([^/]+)\//.exec(url)?.[1];

const belowThreshold = (level: string | undefined, minLevel: SentryLevel): boolean =>
  levelRank(level) < levelRank(minLevel);

const issueCreated = (payload: JsonObject, minLevel: SentryLevel, actor: string): SentryDecision => {
  const issue = asObject(at(payload, 'data', 'issue'));
  const issueId = sentryId(issue?.id);
  if (issue === undefined || issueId === undefined) {
    throw new BadRequestError('issue webhook must carry data.issue.id');
  }
  const level = bounded(issue.level, 20);
  if (belowThreshold(level, minLevel)) {
    return { kind: 'ignore', reason: `issue level ${level} is below SENTRY_MIN_LEVEL ${minLevel}` };
  }
  const shortIdText = asText(issue.shortId);
  const shortId = shortIdText === undefined ? undefined : clip(shortIdText, 100);
  const metadataType = asText(at(issue, 'metadata', 'type'));
  const metadataValue = asText(at(issue, 'metadata', 'value'));
  const title = clip(
    asText(issue.title) ?? asText([metadataType, metadataValue].filter(Boolean).join(': ')) ?? issueId,
    MAX_TITLE,
  );
  const culprit = bounded(issue.culprit);
  const projectSlug = bounded(at(issue, 'project', 'slug'), 100);
  const url = bounded(issue.web_url, 2000) ?? bounded(issue.permalink, 2000);
  const facts = [
    metadataType === undefined ? undefined : `${metadataType}: ${metadataValue ?? ''}`.trim(),
    culprit === undefined ? undefined : `Culprit: ${culprit}`,
    asText(at(issue, 'metadata', 'filename')) === undefined
      ? undefined
      : `File: ${asText(at(issue, 'metadata', 'filename'))}`,
    asText(issue.firstSeen) === undefined ? undefined : `First seen: ${asText(issue.firstSeen)}`,
    asId(issue.count) === undefined ? undefined : `Events: ${asId(issue.count)}`,
  ].filter((line): line is string => line !== undefined);
  return {
    kind: 'start',
    deliveryId: `issue:created:${issueId}`,
    actor,
    task: {
      source: TaskSource.Sentry,
      externalKey: issueId,
      title,
      context: {
        key: shortId ?? issueId,
        title,
        ...(facts.length === 0 ? {} : { description: facts.join('\n') }),
        ...(url === undefined ? {} : { url }),
        sentry: {
          issueId,
          ...(shortId === undefined ? {} : { shortId }),
          ...(culprit === undefined ? {} : { culprit }),
          ...(level === undefined ? {} : { level }),
          ...(projectSlug === undefined ? {} : { projectSlug }),
          frames: [],
        },
      },
    },
  };
};

const alertTriggered = (payload: JsonObject, minLevel: SentryLevel, actor: string): SentryDecision => {
  const event = asObject(at(payload, 'data', 'event'));
  const issueId = sentryId(event?.issue_id);
  if (event === undefined || issueId === undefined) {
    throw new BadRequestError('event_alert webhook must carry data.event.issue_id');
  }
  const level = bounded(event.level, 20);
  if (belowThreshold(level, minLevel)) {
    return { kind: 'ignore', reason: `event level ${level} is below SENTRY_MIN_LEVEL ${minLevel}` };
  }
  const eventId = sentryId(event.event_id);
  const title = clip(asText(event.title) ?? asText(event.message) ?? issueId, MAX_TITLE);
  const culprit = bounded(event.culprit);
  const ruleText = asText(at(payload, 'data', 'triggered_rule'));
  const rule = ruleText === undefined ? undefined : clip(ruleText, 200);
  const url = bounded(event.web_url, 2000);
  const projectSlug = projectSlugFromUrl(asText(event.url));
  const frames = topFrames(event);
  const description = [
    `${title}`,
    culprit === undefined ? undefined : `Culprit: ${culprit}`,
    rule === undefined ? undefined : `Alert rule: ${rule}`,
    asText(event.release) === undefined ? undefined : `Release: ${asText(event.release)}`,
    asText(event.platform) === undefined ? undefined : `Platform: ${asText(event.platform)}`,
  ].filter((line): line is string => line !== undefined);
  return {
    kind: 'start',
    // An alert fires per event; without an event id the rule + issue pair is the identity.
    deliveryId: `event_alert:triggered:${eventId ?? `${issueId}:${rule ?? ''}`}`,
    actor,
    task: {
      source: TaskSource.Sentry,
      externalKey: issueId,
      title,
      context: {
        key: issueId,
        title,
        description: description.join('\n'),
        ...(url === undefined ? {} : { url }),
        sentry: {
          issueId,
          ...(culprit === undefined ? {} : { culprit }),
          ...(level === undefined ? {} : { level }),
          ...(projectSlug === undefined ? {} : { projectSlug }),
          frames,
        },
      },
    },
  };
};

/**
 * Decides what a Sentry integration-platform webhook means for us, from the
 * `Sentry-Hook-Resource` header and the body: new issues and issue alerts at or
 * above the level threshold start a bug-fix task; installation events are
 * acknowledged; the rest is ignored.
 */
export const decideSentry = (
  resource: string | undefined,
  payload: JsonObject,
  minLevel: SentryLevel,
): SentryDecision => {
  const action = asString(payload.action);
  const actor = bounded(at(payload, 'actor', 'name'), 200) ?? 'sentry';
  switch (resource) {
    case SentryResource.Installation: {
      const uuid =
        asText(at(payload, 'data', 'installation', 'uuid')) ?? asText(at(payload, 'installation', 'uuid'));
      return {
        kind: 'acknowledge',
        reason: `installation ${uuid ?? ''} ${action ?? ''}`.replace(/\s+/g, ' ').trim(),
      };
    }
    case SentryResource.Issue:
      if (action !== 'created')
        return { kind: 'ignore', reason: `issue action ${action ?? '(none)'} is not handled` };
      return issueCreated(payload, minLevel, actor);
    case SentryResource.EventAlert:
      if (action !== 'triggered')
        return { kind: 'ignore', reason: `event_alert action ${action ?? '(none)'} is not handled` };
      return alertTriggered(payload, minLevel, actor);
    case undefined:
      throw new BadRequestError('missing Sentry-Hook-Resource header');
    default:
      return { kind: 'ignore', reason: `sentry resource ${resource} is not handled` };
  }
};
