import {
  githubSignature,
  httpEvent,
  type LocalDynamo,
  sentrySignature,
  startDynamo,
} from '@enterprise-agents/core/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { JsonObject } from '../src/domain/json';
import { createHarness, fixture, githubExample, type Harness, SECRETS } from './support';

let dynamo: LocalDynamo;
let h: Harness;

beforeAll(async () => {
  dynamo = await startDynamo();
  h = await createHarness(dynamo);
});

afterAll(async () => {
  await dynamo.stop();
});

const ROUTES = ['/webhooks/github', '/webhooks/jira', '/webhooks/sentry'] as const;
const HEADER_NAMES = [
  'content-type',
  'x-github-event',
  'x-github-delivery',
  'x-hub-signature-256',
  'x-hub-signature',
  'x-atlassian-webhook-identifier',
  'sentry-hook-resource',
  'sentry-hook-signature',
  'user-agent',
] as const;

const headerValue = fc.oneof(
  fc.string(),
  fc.constantFrom('application/json', 'sha256=', 'ping', 'issue_comment', 'issue', 'event_alert'),
  fc.stringMatching(/^sha256=[0-9a-f]{64}$/),
  fc.stringMatching(/^[0-9a-f]{64}$/),
);
const headers = fc.dictionary(
  fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.string({ minLength: 1 })),
  headerValue,
);
const body = fc.oneof(
  fc.string(),
  fc.json(),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

describe('random deliveries', () => {
  it('never answer 5xx and never create a task without a valid signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        headers,
        body,
        fc.boolean(),
        async (path, randomHeaders, randomBody, base64) => {
          const event = httpEvent({
            path,
            headers: randomHeaders,
            body: randomBody,
            base64,
          });
          const result = await h.handler(event);
          expect(result.statusCode).toBeGreaterThanOrEqual(200);
          expect(result.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    expect(await h.tasks.listActive(10)).toEqual([]);
    expect(h.publisher.events).toEqual([]);
    expect(h.callback.successes).toEqual([]);
  });

  it('never answer 5xx for validly signed random JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.json(),
        fc.constantFrom(
          'ping',
          'issue_comment',
          'pull_request',
          'pull_request_review',
          'workflow_run',
          'check_suite',
        ),
        fc.constantFrom('issue', 'event_alert', 'installation', 'comment'),
        async (path, json, githubEvent, sentryResource) => {
          const signature: Record<string, string> =
            path === '/webhooks/sentry'
              ? { 'sentry-hook-signature': sentrySignature(json, SECRETS.sentry) }
              : path === '/webhooks/jira'
                ? { 'x-hub-signature': githubSignature(json, SECRETS.jira) }
                : { 'x-hub-signature-256': githubSignature(json, SECRETS.github) };
          const event = httpEvent({
            path,
            body: json,
            headers: {
              'content-type': 'application/json',
              'x-github-event': githubEvent,
              'x-github-delivery': 'random-delivery',
              'sentry-hook-resource': sentryResource,
              ...signature,
            },
          });
          const result = await h.handler(event);
          expect(result.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  });
});

type Path = (string | number)[];

const pathsOf = (value: unknown, prefix: Path = [], depth = 0): Path[] => {
  if (depth > 6 || value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as JsonObject);
  return entries.flatMap(([key, child]) => [
    [...prefix, key],
    ...pathsOf(child, [...prefix, key], depth + 1),
  ]);
};

const setAt = (root: unknown, path: Path, value: unknown): void => {
  let current = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) current = current[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last !== undefined) current[last] = value;
};

const prComment = () => {
  const payload = githubExample('issue_comment', (p) => p.action === 'created');
  (payload.issue as JsonObject).pull_request = {
    url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1',
  };
  (payload.comment as JsonObject).body = '/agent status';
  return payload;
};

const REAL: { route: (typeof ROUTES)[number]; name: string; payload: () => JsonObject }[] = [
  { route: '/webhooks/jira', name: 'jira', payload: () => fixture('jira-issue-created.json') },
  { route: '/webhooks/jira', name: 'jira', payload: () => fixture('jira-issue-updated-label.json') },
  { route: '/webhooks/sentry', name: 'issue', payload: () => fixture('sentry-issue-created.json') },
  { route: '/webhooks/sentry', name: 'event_alert', payload: () => fixture('sentry-event-alert.json') },
  { route: '/webhooks/github', name: 'issue_comment', payload: prComment },
  {
    route: '/webhooks/github',
    name: 'pull_request_review',
    payload: () => {
      const p = githubExample('pull_request_review', (x) => x.action === 'submitted');
      (p.review as JsonObject).state = 'changes_requested';
      return p;
    },
  },
  {
    route: '/webhooks/github',
    name: 'workflow_run',
    payload: () => githubExample('workflow_run', (x) => x.action === 'completed'),
  },
  {
    route: '/webhooks/github',
    name: 'check_suite',
    payload: () => githubExample('check_suite', (x) => x.action === 'completed'),
  },
  {
    route: '/webhooks/github',
    name: 'pull_request',
    payload: () => githubExample('pull_request', (x) => x.action === 'closed'),
  },
];

describe('mutated real payloads', () => {
  it('never answer 5xx whatever field is replaced by whatever JSON value', async () => {
    const mutated = await createHarness(dynamo);
    mutated.github.grant('Codertocat/Hello-World', 'Codertocat', 'write');
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: REAL.length - 1 }),
        fc.nat(),
        fc.jsonValue(),
        async (which, pick, replacement) => {
          const real = REAL[which];
          if (real === undefined) return;
          const payload = real.payload();
          const paths = pathsOf(payload);
          const path = paths[pick % paths.length];
          if (path !== undefined) setAt(payload, path, replacement);
          const json = JSON.stringify(payload);
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (real.route === '/webhooks/github') {
            headers['x-github-event'] = real.name;
            headers['x-github-delivery'] = `mutation-${which}-${pick}-${json.length}`;
            headers['x-hub-signature-256'] = githubSignature(json, SECRETS.github);
          } else if (real.route === '/webhooks/jira') {
            headers['x-hub-signature'] = githubSignature(json, SECRETS.jira);
          } else {
            headers['sentry-hook-resource'] = real.name;
            headers['sentry-hook-signature'] = sentrySignature(json, SECRETS.sentry);
          }
          const result = await mutated.handler(httpEvent({ path: real.route, body: json, headers }));
          expect(result.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 400 },
    );
  });
});
