import type { NewTask } from '@enterprise-agents/core/db';
import { TaskSource } from '@enterprise-agents/core/domain';
import { BadRequestError } from '@enterprise-agents/core/errors';
import { adfToText } from '@enterprise-agents/core/jira';
import { asArray, asObject, asString, asText, at, clip, type JsonObject } from './json';

/** The Jira part of the configuration. */
export interface JiraTriggerConfig {
  /** Label that asks for the agent (default `AI`); compared case-insensitively. */
  triggerLabel: string;
  /** Assigning an issue to this account starts a task too. */
  botAccountId?: string;
  /** Project keys that may start tasks; empty = all. */
  allowedProjects: readonly string[];
  /** `https://<site>.atlassian.net`; the issue's `self` origin otherwise. */
  baseUrl?: string;
}

export const JiraEvent = {
  IssueCreated: 'jira:issue_created',
  IssueUpdated: 'jira:issue_updated',
} as const;

export type JiraDecision =
  | { kind: 'ignore'; reason: string }
  | { kind: 'start'; trigger: 'label' | 'assignee'; task: NewTask; actor: string };

// Bounded: the key becomes part of a DynamoDB key (2 KB max).
const ISSUE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,31}-\d{1,12}$/;
const MAX_LABELS = 50;
const MAX_TITLE = 255;
const MAX_DESCRIPTION = 20_000;

const labelsOf = (value: unknown): string[] =>
  asArray(value)
    .map((label) => asText(label))
    .filter((label): label is string => label !== undefined)
    .slice(0, MAX_LABELS)
    .map((label) => clip(label, 255));

// Changelog label values are space-separated: Jira labels cannot contain spaces.
const splitLabels = (value: unknown): string[] => (asString(value) ?? '').split(/\s+/).filter(Boolean);

const sameLabel = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const labelJustAdded = (payload: JsonObject, label: string): boolean =>
  asArray(at(payload, 'changelog', 'items')).some((raw) => {
    const item = asObject(raw);
    if (item === undefined) return false;
    const field = asString(item.fieldId) ?? asString(item.field);
    if (field?.toLowerCase() !== 'labels') return false;
    const before = splitLabels(at(item, 'fromString'));
    const after = splitLabels(at(item, 'toString'));
    return after.some((l) => sameLabel(l, label)) && !before.some((l) => sameLabel(l, label));
  });

const assignedJustNow = (payload: JsonObject, accountId: string): boolean =>
  asArray(at(payload, 'changelog', 'items')).some((raw) => {
    const item = asObject(raw);
    if (item === undefined) return false;
    const field = asString(item.fieldId) ?? asString(item.field);
    return field?.toLowerCase() === 'assignee' && asString(item.to) === accountId;
  });

const siteOf = (config: JiraTriggerConfig, issue: JsonObject): string | undefined => {
  if (config.baseUrl !== undefined) return config.baseUrl.replace(/\/+$/, '');
  const self = asString(issue.self);
  if (self === undefined) return undefined;
  try {
    return new URL(self).origin;
  } catch {
    return undefined;
  }
};

/**
 * Decides whether a Jira webhook starts a task: an issue created with the
 * trigger label or assigned to the bot, or updated so that the label was just
 * added or the bot just became the assignee (per the changelog), in an allowed
 * project. Everything else is acknowledged and ignored.
 */
export const decideJira = (payload: JsonObject, config: JiraTriggerConfig): JiraDecision => {
  const event = asString(payload.webhookEvent);
  if (event !== JiraEvent.IssueCreated && event !== JiraEvent.IssueUpdated) {
    return { kind: 'ignore', reason: `jira event ${event ?? '(none)'} is not handled` };
  }
  const issue = asObject(payload.issue);
  const key = asText(issue?.key);
  if (issue === undefined || key === undefined || !ISSUE_KEY.test(key)) {
    throw new BadRequestError(`${event} payload must carry issue.key (an issue key such as ABC-123)`);
  }
  const fields = asObject(issue.fields) ?? {};
  const projectKey = clip(asText(at(fields, 'project', 'key')) ?? key.split('-')[0] ?? key, 100);
  if (
    config.allowedProjects.length > 0 &&
    !config.allowedProjects.some((project) => project.toUpperCase() === projectKey.toUpperCase())
  ) {
    return { kind: 'ignore', reason: `project ${projectKey} is not in JIRA_ALLOWED_PROJECTS` };
  }

  const labels = labelsOf(fields.labels);
  const bot = config.botAccountId;
  let trigger: 'label' | 'assignee' | undefined;
  if (event === JiraEvent.IssueCreated) {
    if (labels.some((label) => sameLabel(label, config.triggerLabel))) trigger = 'label';
    else if (bot !== undefined && asString(at(fields, 'assignee', 'accountId')) === bot) trigger = 'assignee';
  } else {
    if (labelJustAdded(payload, config.triggerLabel)) trigger = 'label';
    else if (bot !== undefined && assignedJustNow(payload, bot)) trigger = 'assignee';
  }
  if (trigger === undefined) {
    return {
      kind: 'ignore',
      reason:
        event === JiraEvent.IssueCreated
          ? `issue ${key} has no ${config.triggerLabel} label and is not assigned to the bot`
          : `this change to ${key} neither added the ${config.triggerLabel} label nor assigned the bot`,
    };
  }

  const title = clip(asText(fields.summary) ?? key, MAX_TITLE);
  // An empty description is no description.
  const description = adfToText(fields.description) || undefined;
  const site = siteOf(config, issue);
  const bounded = (value: unknown): string | undefined => {
    const text = asText(value);
    return text === undefined ? undefined : clip(text, 200);
  };
  const issueType = bounded(at(fields, 'issuetype', 'name'));
  const reporter = bounded(at(fields, 'reporter', 'displayName'));
  const actor =
    bounded(at(payload, 'user', 'displayName')) ?? bounded(at(payload, 'user', 'accountId')) ?? 'jira';
  return {
    kind: 'start',
    trigger,
    actor,
    task: {
      source: TaskSource.Jira,
      externalKey: key,
      title,
      context: {
        key,
        title,
        ...(description === undefined ? {} : { description: clip(description, MAX_DESCRIPTION) }),
        ...(site === undefined ? {} : { url: clip(`${site}/browse/${key}`, 2000) }),
        labels,
        jira: {
          projectKey,
          ...(issueType === undefined ? {} : { issueType }),
          ...(reporter === undefined ? {} : { reporter }),
        },
      },
    },
  };
};
