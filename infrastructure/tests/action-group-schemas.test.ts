import { beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import {
  bedrockProblems,
  MAX_OPERATIONS_PER_ACTION_GROUP,
  operationsOf,
  packageSource,
  readSchema,
  schemaNames,
  unhandledOperations,
} from './support/action-groups';
import { declaredNames, isObject, loadTerraform, type TfFile } from './support/terraform-config';

describe('action-group OpenAPI schemas', () => {
  let files: TfFile[];
  let executors: Record<string, string>;

  beforeAll(async () => {
    files = await loadTerraform();
    const value = declaredNames(files, 'locals').get('action_group_executors')?.value;
    if (!isObject(value)) throw new Error('local.action_group_executors is not an object');
    executors = Object.fromEntries(Object.entries(value).map(([schema, fn]) => [schema, String(fn)]));
  });

  it('exist, one per executor mapping', () => {
    expect(schemaNames()).toEqual(Object.keys(executors).sort());
  });

  it.each(schemaNames())('%s is valid OpenAPI 3.0', async (name) => {
    const validator = new Validator();
    const result = await validator.validate(readSchema(name));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.0');
  });

  // Bedrock's "APIs per agent" quota (11 by default) counts every operation of every
  // action group attached to one agent, so the attachments must fit it too.
  it('gives no agent more operations than Bedrock allows per agent', () => {
    const agents = declaredNames(files, 'locals').get('agents')?.value;
    if (!isObject(agents)) throw new Error('local.agents is not an object');
    const counts = Object.fromEntries(
      Object.entries(agents).map(([agent, config]) => {
        const keys =
          isObject(config) && Array.isArray(config.action_group_keys) ? config.action_group_keys : [];
        return [
          agent,
          keys.reduce((sum: number, key) => sum + operationsOf(readSchema(String(key))).length, 0),
        ];
      }),
    );
    expect(Object.keys(counts).sort()).toEqual(['cicd', 'discovery', 'execution', 'planning']);
    const over = Object.entries(counts).filter(([, count]) => count > MAX_OPERATIONS_PER_ACTION_GROUP);
    expect(over).toEqual([]);
    // Every action group is still used by some agent.
    const attached = new Set(
      Object.values(agents).flatMap((c) =>
        isObject(c) && Array.isArray(c.action_group_keys) ? c.action_group_keys.map(String) : [],
      ),
    );
    expect([...attached].sort()).toEqual(schemaNames());
  });

  it.each(schemaNames())('%s is within Bedrock action-group limits', (name) => {
    expect(bedrockProblems(name, readSchema(name))).toEqual([]);
  });

  it.each(schemaNames())('%s: every operation is handled by its executor Lambda', (name) => {
    const source = packageSource(executors[name] ?? '');
    expect(source.length).toBeGreaterThan(0);
    expect(unhandledOperations(operationsOf(readSchema(name)), source)).toEqual([]);
  });

  // Exact comparison where the executor exports its operation table (`<name>Operations(deps)`).
  it.each(['github-actions', 'jira-actions', 'sentry-actions'])(
    '%s implements exactly the operations of its schemas',
    async (executor) => {
      const module = (await import(`@enterprise-agents/${executor}`)) as Record<string, unknown>;
      const factory = Object.entries(module).find(
        ([name, value]) => name.endsWith('Operations') && typeof value === 'function',
      )?.[1] as ((deps: Record<string, unknown>) => Record<string, unknown>) | undefined;
      if (factory === undefined) {
        console.warn(`${executor} exports no <name>Operations(deps) table: only the source check applies`);
        return;
      }
      const implemented = Object.keys(factory({})).sort();
      const declared = Object.entries(executors)
        .filter(([, fn]) => fn === executor)
        .flatMap(([schema]) => operationsOf(readSchema(schema)).map((op) => op.operationId));
      expect(implemented).toEqual([...new Set(declared)].sort());
    },
    30_000,
  );

  it('reports a planted orphan operation, a missing description and an eleven-plus group', async () => {
    const name = schemaNames()[0] ?? '';
    const document = readSchema(name);
    const paths = document.paths as Record<string, Record<string, unknown>>;
    paths['/planted/orphan'] = {
      post: { operationId: 'plantedOrphanOperation', responses: { '200': { description: 'ok' } } },
    };
    expect(unhandledOperations(operationsOf(document), packageSource(executors[name] ?? ''))).toContain(
      'plantedOrphanOperation',
    );
    expect(bedrockProblems(name, document)).toContain(
      `${name} POST /planted/orphan: needs a description (the agent chooses operations by it)`,
    );
    for (let i = 0; i < 12; i += 1) {
      paths[`/planted/${i}`] = { get: { operationId: `planted${i}`, description: 'x', responses: {} } };
    }
    expect(
      bedrockProblems(name, document).some((p) => p.includes('Bedrock allows 11 per action group')),
    ).toBe(true);
    const invalid = await new Validator().validate({ ...document, info: undefined });
    expect(invalid.valid).toBe(false);
  });
});
