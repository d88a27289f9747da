import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSchemaOperations, type OpenApiDocument } from '@enterprise-agents/core/bedrock';
import { silentLogger } from '@enterprise-agents/core/testing';
import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { githubOperations } from '../src/create-handler';
import type { RepoHost } from '../src/domain/ports';
import { GITHUB_ACTION_GROUPS } from '../src/schemas';
import { guardrails } from './helpers';

const schemaDir = join(process.cwd(), 'schemas', 'action-groups');
const allSchemas = readdirSync(schemaDir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, doc: JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as OpenApiDocument }));

describe('action group schemas (Bedrock limits, shared by Terraform)', () => {
  it('has the five action groups', () => {
    expect(allSchemas.map((s) => s.file).sort()).toEqual([
      'github-ci.json',
      'github-discovery.json',
      'github-planning.json',
      'jira.json',
      'sentry.json',
    ]);
  });

  it.each(allSchemas.map((s) => [s.file, s.doc] as const))(
    '%s is valid OpenAPI 3.0 within Bedrock limits',
    async (_file, doc) => {
      const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)));
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(doc.openapi).toMatch(/^3\.0\./);
      const ops = listSchemaOperations([doc]);
      expect(ops.length).toBeGreaterThan(0);
      expect(ops.length).toBeLessThanOrEqual(11);
      expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          expect([path, method, (op.description ?? '').length > 10]).toEqual([path, method, true]);
          // Bedrock rejects operation descriptions longer than 1200 characters.
          expect((op.description ?? '').length).toBeLessThanOrEqual(1200);
          if (op.requestBody !== undefined) {
            expect(Object.keys(op.requestBody.content ?? {})).toEqual(['application/json']);
            expect(op.requestBody.content?.['application/json']?.schema?.type).toBe('object');
          }
          for (const p of op.parameters ?? []) expect(p.description).toBeTruthy();
          // Read-only tools are GET, writes POST; nothing deletes, merges or approves.
          expect(['get', 'post']).toContain(method);
          expect(op.operationId).not.toMatch(/merge|approve|delete|remove|close/i);
        }
      }
    },
  );
});

describe('github-actions implements exactly its schemas', () => {
  const implemented = Object.keys(
    githubOperations({
      host: {} as RepoHost,
      guardrails: guardrails(),
      audit: { append: async () => undefined },
    }),
  ).sort();
  const declared = listSchemaOperations(GITHUB_ACTION_GROUPS).map((o) => o.operationId);

  it('serves every github-*.json file', () => {
    expect(GITHUB_ACTION_GROUPS.map((d) => d.info.title).sort()).toEqual(
      allSchemas
        .filter((s) => s.file.startsWith('github-'))
        .map((s) => s.doc.info.title)
        .sort(),
    );
  });

  it('has a handler for every schema operation and a schema operation for every handler', () => {
    expect(implemented).toEqual([...declared].sort());
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('has unique routes across the action groups it serves', () => {
    const routes = listSchemaOperations(GITHUB_ACTION_GROUPS).map((o) => `${o.httpMethod} ${o.apiPath}`);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('the core adapter refuses to start when a schema operation has no handler', async () => {
    const { createActionGroupHandler } = await import('@enterprise-agents/core/bedrock');
    const operations = githubOperations({
      host: {} as RepoHost,
      guardrails: guardrails(),
      audit: { append: async () => undefined },
    });
    delete operations.getFile;
    expect(() =>
      createActionGroupHandler({ documents: GITHUB_ACTION_GROUPS, operations, logger: silentLogger() }),
    ).toThrow(/getFile/);
  });
});
