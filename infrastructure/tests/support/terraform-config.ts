// What `terraform validate` would catch, without the AWS provider binary: every
// .tf file is parsed with @cdktf/hcl2json and checked against the provider schema
// extracted from @cdktn/provider-aws (scripts/extract-provider-schema.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getReferencesInExpression, parse } from '@cdktf/hcl2json';

/** Repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The root Terraform module. */
export const terraformDir = join(repoRoot, 'infrastructure', 'terraform');

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Argument names (→ required) and nested blocks of one block type. */
export interface BlockSchema {
  arguments: Record<string, boolean>;
  blocks: Record<string, BlockSchema & { required: boolean }>;
}
export interface ResourceSchema extends BlockSchema {
  attributes: string[];
}
export interface ProviderSchema {
  provider: { source: string; version: string; package: string };
  providerConfig: BlockSchema;
  resources: Record<string, ResourceSchema>;
  dataSources: Record<string, ResourceSchema>;
}

/** One parsed .tf file. */
export interface TfFile {
  name: string;
  text: string;
  json: JsonObject;
}

export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** hcl2json turns every block into an array of bodies. */
export const bodies = (value: Json | undefined): JsonObject[] =>
  Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];

export const loadSchema = (): ProviderSchema =>
  JSON.parse(readFileSync(join(terraformDir, '.provider-schema', 'aws.json'), 'utf8')) as ProviderSchema;

export const loadFunctionNames = (): Set<string> =>
  new Set(
    (
      JSON.parse(
        readFileSync(join(terraformDir, '.provider-schema', 'terraform-functions.json'), 'utf8'),
      ) as {
        functions: string[];
      }
    ).functions,
  );

/** Parses every .tf file of a directory (override files written by the deploy script excluded). */
export const loadTerraform = async (
  dir: string = terraformDir,
  replace?: { file: string; text: string },
): Promise<TfFile[]> => {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.tf') && !name.endsWith('_override.tf'))
    .sort();
  if (replace !== undefined && !names.includes(replace.file)) names.push(replace.file);
  return Promise.all(
    names.map(async (name) => {
      const text = replace?.file === name ? replace.text : readFileSync(join(dir, name), 'utf8');
      return { name, text, json: (await parse(name, text)) as JsonObject };
    }),
  );
};

/** `{type: {name: [body]}}` sections (resource, data) merged over all files. */
export const labelled = (files: readonly TfFile[], section: 'resource' | 'data') => {
  const out: { type: string; name: string; body: JsonObject; file: string }[] = [];
  for (const file of files) {
    const byType = file.json[section];
    if (!isObject(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      if (!isObject(byName)) continue;
      for (const [name, value] of Object.entries(byName)) {
        for (const body of bodies(value)) out.push({ type, name, body, file: file.name });
      }
    }
  }
  return out;
};

/** Names declared in a one-label section (variable, output) or in locals. */
export const declaredNames = (files: readonly TfFile[], section: 'variable' | 'output' | 'locals') => {
  const names = new Map<string, JsonObject>();
  for (const file of files) {
    if (section === 'locals') {
      for (const body of bodies(file.json.locals)) {
        for (const [name, value] of Object.entries(body)) names.set(name, { value });
      }
      continue;
    }
    const byName = file.json[section];
    if (!isObject(byName)) continue;
    for (const [name, value] of Object.entries(byName)) {
      const body = bodies(value)[0];
      if (body !== undefined) names.set(name, body);
    }
  }
  return names;
};

const META_ARGUMENTS = new Set([
  'count',
  'for_each',
  'depends_on',
  'lifecycle',
  'provider',
  'provisioner',
  'connection',
]);
const LIFECYCLE_KEYS = new Set([
  'create_before_destroy',
  'prevent_destroy',
  'ignore_changes',
  'replace_triggered_by',
  'precondition',
  'postcondition',
]);
const DYNAMIC_KEYS = new Set(['for_each', 'iterator', 'labels', 'content']);

/** Unknown or missing arguments and blocks of one body, recursively. */
const checkBody = (where: string, body: JsonObject, schema: BlockSchema, topLevel: boolean): string[] => {
  const problems: string[] = [];
  const present = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (topLevel && META_ARGUMENTS.has(key)) {
      if (key === 'lifecycle') {
        for (const lifecycle of bodies(value)) {
          for (const lifecycleKey of Object.keys(lifecycle)) {
            if (!LIFECYCLE_KEYS.has(lifecycleKey))
              problems.push(`${where}: unsupported lifecycle argument "${lifecycleKey}"`);
          }
        }
      }
      continue;
    }
    if (key === 'dynamic') {
      if (!isObject(value)) continue;
      for (const [blockName, dynamicBodies] of Object.entries(value)) {
        const blockSchema = schema.blocks[blockName];
        if (blockSchema === undefined) {
          problems.push(`${where}: unsupported block "${blockName}" (dynamic)`);
          continue;
        }
        present.add(blockName);
        for (const dynamic of bodies(dynamicBodies)) {
          for (const dynamicKey of Object.keys(dynamic)) {
            if (!DYNAMIC_KEYS.has(dynamicKey))
              problems.push(`${where}.dynamic.${blockName}: unsupported "${dynamicKey}"`);
          }
          for (const content of bodies(dynamic.content)) {
            problems.push(...checkBody(`${where}.${blockName}`, content, blockSchema, false));
          }
        }
      }
      continue;
    }
    const blockSchema = schema.blocks[key];
    if (blockSchema !== undefined) {
      present.add(key);
      for (const nested of bodies(value))
        problems.push(...checkBody(`${where}.${key}`, nested, blockSchema, false));
      continue;
    }
    if (key in schema.arguments) {
      present.add(key);
      continue;
    }
    problems.push(`${where}: unsupported argument or block "${key}"`);
  }
  for (const [name, required] of Object.entries(schema.arguments)) {
    if (required && !present.has(name)) problems.push(`${where}: missing required argument "${name}"`);
  }
  for (const [name, block] of Object.entries(schema.blocks)) {
    if (block.required && !present.has(name)) problems.push(`${where}: missing required block "${name}"`);
  }
  return problems;
};

/** Every string in a JSON tree, with the path that leads to it. */
const strings = (value: Json, path: string, out: { path: string; text: string }[] = []) => {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) strings(item, `${path}[${i}]`, out);
  } else if (isObject(value))
    for (const [key, item] of Object.entries(value)) strings(item, `${path}.${key}`, out);
  return out;
};

// A resource reference, optionally indexed, optionally followed by an attribute.
const RESOURCE_REF =
  /^(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\[(?:[^[\]]|\[[^\]]*\])*\])*)(?:\.([a-z_][a-z0-9_]*))?/;

/** References in one string that hcl2json's expression parser confirms (so none from string literals). */
const referencesIn = async (text: string) => {
  if (!text.includes('${')) return [];
  const refs = await getReferencesInExpression('check.tf', text);
  return refs.map((ref) => ({ value: ref.value, rest: text.slice(ref.startPosition) }));
};

// `type = map(object({...}))` looks like calls but names types.
const TYPE_CONSTRUCTORS = new Set(['list', 'map', 'object', 'set', 'tuple', 'optional']);

/** Function calls in an expression string, outside quoted literals. */
const functionCalls = (text: string): string[] => {
  const calls: string[] = [];
  for (const match of text.matchAll(/\$\{([\s\S]*)\}/g)) {
    const code = (match[1] ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const call of code.matchAll(/(?<![\w.])([a-z][a-z0-9_]*)\s*\(/g)) calls.push(call[1] ?? '');
  }
  return calls;
};

/**
 * Problems `terraform validate` would report: unknown resource types, unknown or
 * missing arguments and blocks, references to undeclared resources, variables or
 * locals, unknown attributes, unknown functions; plus missing descriptions and types.
 */
export const validateTerraform = async (
  files: readonly TfFile[],
  schema: ProviderSchema,
  functionNames: Set<string>,
): Promise<string[]> => {
  const problems: string[] = [];
  const resources = labelled(files, 'resource');
  const dataSources = labelled(files, 'data');
  const variables = declaredNames(files, 'variable');
  const locals = declaredNames(files, 'locals');
  const outputs = declaredNames(files, 'output');

  for (const { type, name, body } of resources) {
    const resourceSchema = schema.resources[type];
    if (resourceSchema === undefined) {
      problems.push(
        `resource ${type}.${name}: unknown resource type (not in the hashicorp/aws ${schema.provider.version} schema extract; if it is real, run node scripts/extract-provider-schema.mjs)`,
      );
      continue;
    }
    problems.push(...checkBody(`${type}.${name}`, body, resourceSchema, true));
  }
  for (const { type, name, body } of dataSources) {
    const dataSchema = schema.dataSources[type];
    if (dataSchema === undefined) {
      problems.push(`data ${type}.${name}: unknown data source type`);
      continue;
    }
    problems.push(...checkBody(`data.${type}.${name}`, body, dataSchema, true));
  }
  for (const file of files) {
    const providers = file.json.provider;
    if (!isObject(providers)) continue;
    for (const [providerName, providerBodies] of Object.entries(providers)) {
      if (providerName !== 'aws') {
        problems.push(`provider "${providerName}" is not declared in required_providers`);
        continue;
      }
      for (const body of bodies(providerBodies)) {
        const { alias: _alias, ...rest } = body;
        problems.push(...checkBody('provider.aws', rest, schema.providerConfig, false));
      }
    }
  }
  for (const [name, body] of variables) {
    if (typeof body.description !== 'string' || body.description.length === 0) {
      problems.push(`variable ${name}: missing description`);
    }
    if (body.type === undefined) problems.push(`variable ${name}: missing type`);
    for (const validation of bodies(body.validation)) {
      if (validation.condition === undefined || validation.error_message === undefined) {
        problems.push(`variable ${name}: validation needs condition and error_message`);
      }
    }
  }
  for (const [name, body] of outputs) {
    if (typeof body.description !== 'string' || body.description.length === 0) {
      problems.push(`output ${name}: missing description`);
    }
  }

  const declared = new Map<string, ResourceSchema>();
  for (const { type, name } of resources) {
    const resourceSchema = schema.resources[type];
    if (resourceSchema !== undefined) declared.set(`${type}.${name}`, resourceSchema);
  }
  for (const { type, name } of dataSources) {
    const dataSchema = schema.dataSources[type];
    if (dataSchema !== undefined) declared.set(`data.${type}.${name}`, dataSchema);
  }

  for (const file of files) {
    for (const { path, text } of strings(file.json, file.name)) {
      for (const fn of functionCalls(text)) {
        if (!functionNames.has(fn) && !TYPE_CONSTRUCTORS.has(fn))
          problems.push(`${path}: call to unknown function ${fn}()`);
      }
      for (const { value, rest } of await referencesIn(text)) {
        const [root, second] = value.split('.');
        if (root === 'var') {
          if (second !== undefined && !variables.has(second))
            problems.push(`${path}: reference to undeclared variable var.${second}`);
          continue;
        }
        if (root === 'local') {
          if (second !== undefined && !locals.has(second))
            problems.push(`${path}: reference to undeclared local.${second}`);
          continue;
        }
        if (root === 'module') {
          problems.push(`${path}: reference to undeclared module ${value}`);
          continue;
        }
        if (root !== 'data' && !root?.startsWith('aws_')) continue;
        const match = RESOURCE_REF.exec(rest);
        if (match === null) continue;
        const key = `${match[1] ?? ''}${match[2]}.${match[3]}`;
        const target = declared.get(key);
        if (target === undefined) {
          problems.push(
            `${path}: reference to undeclared ${match[1] === undefined ? 'resource' : 'data source'} ${key}`,
          );
          continue;
        }
        const attribute = match[5];
        if (
          attribute !== undefined &&
          !target.attributes.includes(attribute) &&
          !(attribute in target.arguments) &&
          !(attribute in target.blocks)
        ) {
          problems.push(`${path}: unsupported attribute "${attribute}" of ${key}`);
        }
      }
    }
  }
  return [...new Set(problems)];
};

/** Graph node of a block that can be referenced: resource, data source, local, variable or output. */
const nodeOf = (value: string): string | undefined => {
  const [root, second, third] = value.split('.');
  if (root === 'var' || root === 'local') return second === undefined ? undefined : `${root}.${second}`;
  if (root === 'data')
    return third === undefined ? undefined : `data.${second}.${third?.replace(/\[.*$/, '')}`;
  if (root?.startsWith('aws_') && second !== undefined) return `${root}.${second.replace(/\[.*$/, '')}`;
  return undefined;
};

/**
 * Dependency cycles between blocks, the way Terraform builds its graph (one node
 * per resource, whatever its for_each): `terraform validate` reports these as "Cycle".
 */
export const findCycles = async (files: readonly TfFile[]): Promise<string[][]> => {
  const edges = new Map<string, Set<string>>();
  const addEdges = async (node: string, body: Json) => {
    const targets = edges.get(node) ?? new Set<string>();
    for (const { text } of strings(body, node)) {
      for (const { value } of await referencesIn(text)) {
        const target = nodeOf(value);
        if (target !== undefined && target !== node) targets.add(target);
      }
    }
    edges.set(node, targets);
  };
  for (const { type, name, body } of labelled(files, 'resource')) await addEdges(`${type}.${name}`, body);
  for (const { type, name, body } of labelled(files, 'data')) await addEdges(`data.${type}.${name}`, body);
  for (const [name, { value }] of declaredNames(files, 'locals')) {
    if (value !== undefined) await addEdges(`local.${name}`, value);
  }

  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return cycles;
};
