import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './terraform-config';

export const schemasDir = join(repoRoot, 'schemas', 'action-groups');

/** Bedrock's quota of APIs per action group. */
export const MAX_OPERATIONS_PER_ACTION_GROUP = 11;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);
/** Schema keywords Bedrock agents do not support (agents-api-schema.html); describe constraints in text instead. */
const UNSUPPORTED_KEYWORDS = ['oneOf', 'anyOf', 'allOf', 'not', '$ref', 'enum'];
const PARAMETER_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array']);

export interface Operation {
  operationId: string;
  method: string;
  path: string;
}

type Schema = { [key: string]: unknown };
const asObject = (value: unknown): Schema | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : undefined;

export const schemaNames = (): string[] =>
  readdirSync(schemasDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''))
    .sort();

export const readSchema = (name: string): Schema =>
  JSON.parse(readFileSync(join(schemasDir, `${name}.json`), 'utf8')) as Schema;

export const operationsOf = (document: Schema): Operation[] =>
  Object.entries(asObject(document.paths) ?? {}).flatMap(([path, methods]) =>
    Object.entries(asObject(methods) ?? {})
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ operationId: String(asObject(op)?.operationId ?? ''), method, path })),
  );

const findKeywords = (value: unknown, where: string, out: string[]) => {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) findKeywords(item, `${where}[${i}]`, out);
  }
  const object = asObject(value);
  if (object === undefined) return;
  for (const [key, item] of Object.entries(object)) {
    // Property *names* may be anything; only schema keywords count.
    if (UNSUPPORTED_KEYWORDS.includes(key) && !where.endsWith('.properties'))
      out.push(`${where}: uses ${key}`);
    findKeywords(item, `${where}.${key}`, out);
  }
};

/** What Bedrock would reject or mishandle in one action-group schema (beyond plain OpenAPI validity). */
export const bedrockProblems = (name: string, document: Schema): string[] => {
  const problems: string[] = [];
  if (document.openapi !== '3.0.0')
    problems.push(`${name}: openapi must be "3.0.0" for Bedrock action groups`);
  const operations = operationsOf(document);
  if (operations.length === 0) problems.push(`${name}: declares no operation`);
  if (operations.length > MAX_OPERATIONS_PER_ACTION_GROUP) {
    problems.push(
      `${name}: ${operations.length} operations; Bedrock allows ${MAX_OPERATIONS_PER_ACTION_GROUP} per action group`,
    );
  }
  const seen = new Set<string>();
  for (const [path, methods] of Object.entries(asObject(document.paths) ?? {})) {
    if (!path.startsWith('/')) problems.push(`${name}: path ${path} must start with /`);
    for (const [method, rawOp] of Object.entries(asObject(methods) ?? {})) {
      const where = `${name} ${method.toUpperCase()} ${path}`;
      if (!METHODS.has(method)) {
        problems.push(`${where}: unsupported method`);
        continue;
      }
      const op = asObject(rawOp) ?? {};
      const operationId = op.operationId;
      if (typeof operationId !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(operationId)) {
        problems.push(`${where}: needs an operationId (letters, digits, _)`);
      } else if (seen.has(operationId)) {
        problems.push(`${where}: duplicate operationId ${operationId}`);
      } else seen.add(operationId);
      if (typeof op.description !== 'string' || op.description.trim().length === 0) {
        problems.push(`${where}: needs a description (the agent chooses operations by it)`);
      }
      if (asObject(op.responses) === undefined) problems.push(`${where}: needs responses`);
      const content = asObject(asObject(op.requestBody)?.content);
      for (const mediaType of Object.keys(content ?? {})) {
        if (mediaType !== 'application/json')
          problems.push(`${where}: request body ${mediaType}; only application/json`);
      }
      for (const parameter of Array.isArray(op.parameters) ? op.parameters : []) {
        const p = asObject(parameter) ?? {};
        if (p.in !== 'query' && p.in !== 'path' && p.in !== 'header') {
          problems.push(`${where}: parameter ${String(p.name)} in ${String(p.in)}`);
        }
        if (typeof p.description !== 'string' || p.description.length === 0) {
          problems.push(`${where}: parameter ${String(p.name)} needs a description`);
        }
        const type = asObject(p.schema)?.type;
        if (typeof type !== 'string' || !PARAMETER_TYPES.has(type)) {
          problems.push(
            `${where}: parameter ${String(p.name)} type ${String(type)} is not a Bedrock parameter type`,
          );
        }
      }
    }
  }
  findKeywords(document.paths, `${name}.paths`, problems);
  return problems;
};

/** Non-test TypeScript source of a package, concatenated. */
export const packageSource = (pkg: string): string => {
  const dir = join(repoRoot, 'packages', pkg, 'src');
  if (!existsSync(dir)) return '';
  const read = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? read(join(d, entry.name))
        : entry.name.endsWith('.ts')
          ? [readFileSync(join(d, entry.name), 'utf8')]
          : [],
    );
  return read(dir).join('\n');
};

/** Operation ids of a schema that the executor's source never names as a handler key. */
export const unhandledOperations = (operations: readonly Operation[], source: string): string[] =>
  operations
    .map((op) => op.operationId)
    .filter((id) => !new RegExp(`(?:\\b${id}\\s*[:(,}]|['"\`]${id}['"\`]\\s*:)`).test(source));
