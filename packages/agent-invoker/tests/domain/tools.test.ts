import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  ACTION_GROUP_DOCUMENTS,
  AGENT_ACTION_GROUPS,
  toActionGroupEvent,
  toolsFor,
} from '../../src/domain/tools';

const AGENTS = ['discovery', 'planning', 'execution', 'cicd'] as const;

describe('tools generated from the action-group schemas', () => {
  it('give each agent the operations of its action groups, under valid and unique names', () => {
    for (const agent of AGENTS) {
      const tools = toolsFor(agent);
      const expected = AGENT_ACTION_GROUPS[agent].flatMap((group) =>
        Object.values(ACTION_GROUP_DOCUMENTS[group].paths).flatMap((methods) => Object.keys(methods)),
      );
      expect(tools).toHaveLength(expected.length);
      const names = tools.map((t) => t.spec.name);
      expect(new Set(names).size).toBe(names.length);
      for (const tool of tools) {
        expect(tool.spec.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
        expect(tool.spec.description.length).toBeGreaterThan(0);
        expect(tool.spec.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      }
    }
  });

  it('name tools by operationId, the names the instructions use', () => {
    const names = toolsFor('execution').map((t) => t.spec.name);
    expect(names).toEqual(expect.arrayContaining(['getFile', 'commitFiles', 'getPullRequestStatus']));
    for (const agent of AGENTS) {
      const instructions = readFileSync(
        new URL(`../../../../infrastructure/agents/${agent}.md`, import.meta.url),
        'utf8',
      );
      for (const [, name] of instructions.matchAll(/`([a-z][A-Za-z]+)`/g))
        if (/^(get|list|create|commit|put|comment|search|add|transition)[A-Z]/.test(name ?? ''))
          expect(toolsFor(agent).map((t) => t.spec.name)).toContain(name);
    }
  });

  it('prefix a tool with its group only where two groups of one agent share an operationId', () => {
    // Planning's two groups both declaring getIssue.
    const docs = { ...ACTION_GROUP_DOCUMENTS, 'github-planning': ACTION_GROUP_DOCUMENTS.sentry };
    const names = toolsFor('planning', docs).map((t) => t.spec.name);
    expect(names).not.toContain('getIssue');
    expect(names).toEqual(
      expect.arrayContaining(['github_planning_getIssue', 'jira_getIssue', 'addComment']),
    );
    expect(toolsFor('planning').map((t) => t.spec.name)).toContain('getIssue');
  });

  it('carry the schema: required arguments, types and descriptions from the OpenAPI operation', () => {
    const commit = toolsFor('execution').find((t) => t.spec.name === 'commitFiles');
    expect(commit?.spec.inputSchema).toMatchObject({
      required: expect.arrayContaining(['repo', 'branch', 'files']),
      properties: { files: { type: 'array' } },
    });
  });

  it('keep the attachments of the Agents Classic resources in Terraform', () => {
    const hcl = readFileSync(
      new URL('../../../../infrastructure/terraform/bedrock.tf', import.meta.url),
      'utf8',
    );
    for (const agent of AGENTS) {
      const block = new RegExp(`${agent} = \\{[^}]*action_group_keys\\s*=\\s*\\[([^\\]]*)\\]`).exec(hcl);
      const keys = [...(block?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      expect(keys).toEqual([...AGENT_ACTION_GROUPS[agent]]);
    }
  });

  it('build the event Bedrock Agents sends: strings everywhere, query arguments as parameters', () => {
    const getFile = toolsFor('execution').find((t) => t.spec.name === 'getFile');
    if (getFile === undefined) throw new Error('no getFile');
    const event = toActionGroupEvent(
      getFile,
      { repo: 'acme/app', path: 'a.ts', maxBytes: 100 },
      {
        agent: 'execution',
        sessionId: 's',
        sessionAttributes: { taskId: 't' },
      },
    );
    expect(event).toMatchObject({
      actionGroup: 'github-discovery',
      apiPath: '/github/repos/file',
      httpMethod: 'GET',
    });
    expect(event.requestBody).toBeUndefined();
    expect(event.parameters?.every((p) => typeof p.value === 'string')).toBe(true);
  });
});
