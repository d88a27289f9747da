import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Annotation keyword of the payload schemas (`schemas/step-functions`): how a field's
 * expectation reads in an error message when its keywords alone do not say it well,
 * e.g. a pattern (`"x-expected": "an id of letters, digits, - or _"`).
 */
export const EXPECTED_KEYWORD = 'x-expected';

/** Parses one Step Functions payload: the payload itself, typed, or the package's error. */
export type PayloadParser<T> = (event: unknown) => T;

export interface PayloadValidatorOptions {
  /** The package's own error for a malformed payload (its name is what Step Functions matches). */
  error: (message: string) => Error;
  /** Prefix of every field in messages (`notify.kind must be …`); default the schema's `action` const. */
  name?: string;
}

type SchemaObject = Record<string, unknown>;

const isObject = (value: unknown): value is SchemaObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

let shared: Ajv | undefined;

// One instance for every payload schema: strict, so a schema typo fails at cold start, not silently.
const payloadAjv = (): Ajv => {
  if (shared === undefined) {
    shared = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    shared.addKeyword({ keyword: EXPECTED_KEYWORD, schemaType: 'string' });
  }
  return shared;
};

const compile = (schema: SchemaObject): ValidateFunction => {
  const ajv = payloadAjv();
  const id = schema.$id;
  // A schema is compiled once per id; a second validator for it reuses the first.
  return (typeof id === 'string' ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
};

const describeType = (type: unknown, schema: SchemaObject): string => {
  switch (type) {
    case 'string': {
      const nonEmpty =
        (typeof schema.minLength === 'number' && schema.minLength >= 1) || schema.pattern === '\\S';
      const max = typeof schema.maxLength === 'number' ? ` of at most ${schema.maxLength} characters` : '';
      return `${nonEmpty ? 'a non-empty string' : 'a string'}${max}`;
    }
    case 'integer':
      if (schema.minimum === 1) return 'a positive integer';
      if (schema.minimum === 0) return 'a non-negative integer';
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object';
    case 'array':
      return isObject(schema.items) && schema.items.type === 'string' ? 'an array of strings' : 'an array';
    default:
      return String(type);
  }
};

/** What a field must be, in words, from its schema (`x-expected` when the schema gives one). */
export const describeExpected = (schema: unknown): string => {
  if (!isObject(schema)) return 'valid';
  const expected = schema[EXPECTED_KEYWORD];
  if (typeof expected === 'string') return expected;
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.filter((v) => v !== null).join(', ')}`;
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter(
    (type) => type !== undefined && type !== 'null',
  );
  return types.length === 0 ? 'valid' : types.map((type) => describeType(type, schema)).join(' or ');
};

/** `/plan/repositories/0` under `requestApproval` reads `requestApproval.plan.repositories[0]`. */
const fieldName = (name: string, instancePath: string, child?: string): string => {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : `${field}.${part}`), name);
};

interface Problem {
  field: string;
  /** The payload's own property the problem is under (orders the messages). */
  top: string;
  message: string;
}

const problem = (name: string, error: ErrorObject): Problem => {
  const top = error.instancePath.split('/')[1] ?? '';
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    const properties = isObject(error.parentSchema) ? error.parentSchema.properties : undefined;
    const field = fieldName(name, error.instancePath, missing);
    return {
      field,
      top: top === '' ? missing : top,
      message: `${field} must be ${describeExpected(isObject(properties) ? properties[missing] : undefined)}`,
    };
  }
  const field = fieldName(name, error.instancePath);
  return { field, top, message: `${field} must be ${describeExpected(error.parentSchema)}` };
};

/**
 * One message per field: "<name>.<field> must be <expected>", for a missing field
 * as for a wrong one, in the order of `order` (the payload's properties in the
 * schema). A failed `anyOf` speaks for its branches.
 */
export const payloadProblems = (
  name: string,
  errors: readonly ErrorObject[],
  order: readonly string[] = [],
): string[] => {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const relevant = errors.filter(
    (e) => !alternatives.some((alt) => alt !== e && e.schemaPath.startsWith(`${alt.schemaPath}/`)),
  );
  const byField = new Map<string, Problem>();
  for (const error of relevant) {
    const found = problem(name, error);
    if (!byField.has(found.field)) byField.set(found.field, found);
  }
  const rank = (p: Problem): number => {
    const i = order.indexOf(p.top);
    return i === -1 ? order.length : i;
  };
  return [...byField.values()].sort((a, b) => rank(a) - rank(b)).map((p) => p.message);
};

/**
 * Compiles a Step Functions payload schema (`schemas/step-functions/<action>.json`,
 * draft-07) into a parser. A payload that does not match is a bug in the state
 * machine, so the parser throws the package's InvalidPayload error naming every
 * field that is wrong. Unknown fields are left alone, as the state machine may
 * send more than a handler reads; normalising (trimming, truncating, defaults) is
 * the caller's small step after this one.
 *
 * @param schema the JSON Schema (imported `with { type: 'json' }`)
 * @param options the error to throw, and the name fields are prefixed with
 * @returns a function that returns the payload typed as `T` or throws
 * @example
 * const parseNotify = compilePayloadValidator<NotifyWire>(notifySchema, {
 *   error: (message) => new InvalidPayloadError(message),
 * });
 * parseNotify({ action: 'notify', taskId: 't', kind: 'party' });
 * // throws InvalidPayload "notify.kind must be one of plan_ready, execution_started, …"
 */
export const compilePayloadValidator = <T>(
  schema: object,
  options: PayloadValidatorOptions,
): PayloadParser<T> => {
  const root = schema as SchemaObject;
  const validate = compile(root);
  const action = isObject(root.properties) && isObject(root.properties.action) ? root.properties.action : {};
  const name = options.name ?? (typeof action.const === 'string' ? action.const : 'payload');
  const order = isObject(root.properties) ? Object.keys(root.properties) : [];
  return (event: unknown): T => {
    if (validate(event)) return event as T;
    throw options.error(payloadProblems(name, validate.errors ?? [], order).join('; '));
  };
};
