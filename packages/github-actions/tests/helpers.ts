import type { ActionGroupEvent, ActionGroupResponse } from '@enterprise-agents/core/bedrock';
import { CiWaitStore, TimelineRepository } from '@enterprise-agents/core/db';
import { createGitHubClient, type GitHubAuth, OctokitGitHub } from '@enterprise-agents/core/github';
import {
  type LocalDynamo,
  RecordingCallback,
  silentLogger,
  startDynamo,
} from '@enterprise-agents/core/testing';
import { type GitHubFake, startGitHubFake } from '@enterprise-agents/fakes/github';
import { OctokitRepoHost } from '../src/adapters/octokit-repo-host';
import { createHandler } from '../src/create-handler';
import type { Guardrails } from '../src/domain/guardrails';
import { GITHUB_ACTION_GROUPS } from '../src/schemas';

export const ORG = 'acme';

export const guardrails = (overrides: Partial<Guardrails> = {}): Guardrails => ({
  org: ORG,
  repoAllowlist: [],
  branchPrefix: 'agent/',
  protectedPaths: ['.github/workflows/**'],
  maxFileBytes: 2_000,
  maxFilesPerCommit: 5,
  ...overrides,
});

/** Which schema document declares an operation, to build the Bedrock event for it. */
const routeOf = (operationId: string): { apiPath: string; httpMethod: string; actionGroup: string } => {
  for (const doc of GITHUB_ACTION_GROUPS) {
    for (const [apiPath, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (op.operationId === operationId)
          return { apiPath, httpMethod: method.toUpperCase(), actionGroup: doc.info.title };
      }
    }
  }
  throw new Error(`no operation ${operationId}`);
};

const asString = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A Bedrock action-group event exactly as the agent runtime sends it (every value a string). */
export const bedrockEvent = (
  operationId: string,
  args: Record<string, unknown>,
  sessionAttributes: Record<string, string> = { taskId: 'task-1' },
): ActionGroupEvent => {
  const route = routeOf(operationId);
  const entries = Object.entries(args).map(([name, value]) => ({
    name,
    type: Array.isArray(value) ? 'array' : typeof value === 'number' ? 'integer' : 'string',
    value: asString(value),
  }));
  return {
    messageVersion: '1.0',
    agent: { name: 'planning', id: 'AGENT1', alias: 'TSTALIASID', version: 'DRAFT' },
    inputText: 'do it',
    sessionId: 'session-1',
    actionGroup: route.actionGroup,
    apiPath: route.apiPath,
    httpMethod: route.httpMethod,
    ...(route.httpMethod === 'GET'
      ? { parameters: entries }
      : { requestBody: { content: { 'application/json': { properties: entries } } } }),
    sessionAttributes,
    promptSessionAttributes: {},
  };
};

export interface Harness {
  fake: GitHubFake;
  dynamo: LocalDynamo;
  timeline: TimelineRepository;
  callback: RecordingCallback;
  sleeps: number[];
  handler: ReturnType<typeof createHandler>;
  /** Invokes an operation; returns status and the parsed body. */
  call(
    operationId: string,
    args: Record<string, unknown>,
    session?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown>; raw: ActionGroupResponse }>;
  close(): Promise<void>;
}

export const startHarness = async (
  options: { guardrails?: Partial<Guardrails>; auth?: GitHubAuth; fake?: GitHubFake } = {},
): Promise<Harness> => {
  const fake = options.fake ?? (await startGitHubFake());
  const dynamo = await startDynamo();
  const sleeps: number[] = [];
  const octokit = createGitHubClient({
    auth: options.auth ?? { type: 'token', token: 'test-token' },
    baseUrl: fake.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const timeline = new TimelineRepository(dynamo.table);
  const callback = new RecordingCallback();
  const handler = createHandler({
    host: new OctokitRepoHost(octokit),
    guardrails: guardrails(options.guardrails),
    audit: timeline,
    ciWait: {
      ciWaits: new CiWaitStore(dynamo.table),
      github: new OctokitGitHub(octokit),
      callback,
      timeline,
    },
    logger: silentLogger(),
  });
  return {
    fake,
    dynamo,
    timeline,
    callback,
    sleeps,
    handler,
    async call(operationId, args, session) {
      const raw = (await handler(bedrockEvent(operationId, args, session))) as ActionGroupResponse;
      return {
        status: raw.response.httpStatusCode,
        body: JSON.parse(raw.response.responseBody['application/json'].body) as Record<string, unknown>,
        raw,
      };
    },
    async close() {
      await fake.close();
      await dynamo.stop();
    },
  };
};
