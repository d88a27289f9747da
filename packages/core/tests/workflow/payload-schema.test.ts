import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../src/errors/errors';
import { compilePayloadValidator, describeExpected } from '../../src/workflow/payload-schema';

class InvalidPayload extends AppError {
  constructor(message: string) {
    super(message, { code: 'InvalidPayload' });
    this.name = 'InvalidPayload';
  }
}
const error = (message: string): Error => new InvalidPayload(message);

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://enterprise-agents/tests/payload-schema/sample.json',
  type: 'object',
  required: ['action', 'taskId', 'runId', 'kind'],
  properties: {
    action: { const: 'sample' },
    taskId: { type: 'string', pattern: '^[a-z]+$', 'x-expected': 'lower-case letters' },
    runId: { type: 'integer', minimum: 1 },
    kind: { enum: ['a', 'b'] },
    note: { type: ['string', 'null'], pattern: '\\S', maxLength: 10 },
    plan: {
      type: 'object',
      properties: {
        repositories: { type: 'array', items: { type: 'string' } },
        jobs: {
          type: 'array',
          items: {
            'x-expected': 'a name or {name}',
            anyOf: [
              { type: 'string' },
              { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
            ],
          },
        },
      },
    },
  },
};
interface Sample {
  action: 'sample';
  taskId: string;
  runId: number;
  kind: 'a' | 'b';
}
const parse = compilePayloadValidator<Sample>(schema, { error });
const valid = { action: 'sample', taskId: 'abc', runId: 1, kind: 'a' };

const messageOf = (event: unknown): string => {
  try {
    parse(event);
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(InvalidPayload);
    return (thrown as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('compilePayloadValidator', () => {
  it('returns a valid payload as is, unknown fields included', () => {
    const event = { ...valid, note: null, extra: [1] };
    expect(parse(event)).toBe(event);
  });

  it.each([
    ['not an object', [], 'sample must be an object'],
    [
      'every missing field, in the order of the schema',
      {},
      'sample.action must be "sample"; sample.taskId must be lower-case letters; sample.runId must be a positive integer; sample.kind must be one of a, b',
    ],
    ['a value outside the set', { ...valid, kind: 'c' }, 'sample.kind must be one of a, b'],
    ['a wrong const', { ...valid, action: 'other' }, 'sample.action must be "sample"'],
    ['a pattern (x-expected)', { ...valid, taskId: 'ABC' }, 'sample.taskId must be lower-case letters'],
    [
      'a blank text',
      { ...valid, note: ' ' },
      'sample.note must be a non-empty string of at most 10 characters',
    ],
    [
      'a too long text',
      { ...valid, note: 'x'.repeat(11) },
      'sample.note must be a non-empty string of at most 10 characters',
    ],
    ['a float for an integer', { ...valid, runId: 1.5 }, 'sample.runId must be a positive integer'],
    [
      'nested fields and array items',
      { ...valid, plan: { repositories: ['a', 2] } },
      'sample.plan.repositories[1] must be a string',
    ],
    [
      'a failed alternative, once, in its own words',
      { ...valid, plan: { jobs: ['a', { url: 'x' }, 3] } },
      'sample.plan.jobs[1] must be a name or {name}; sample.plan.jobs[2] must be a name or {name}',
    ],
  ])('names the field: %s', (_, event, message) => {
    expect(messageOf(event)).toBe(message);
  });

  it('takes a name for the fields when the schema has no action const, and reuses a compiled $id', () => {
    const again = compilePayloadValidator<Sample>(schema, { error, name: 'payload' });
    expect(() => again({ ...valid, runId: 0 })).toThrow('payload.runId must be a positive integer');
    const anonymous = compilePayloadValidator<{ n: number }>(
      { type: 'object', required: ['n'], properties: { n: { type: 'number' } } },
      { error },
    );
    expect(() => anonymous({})).toThrow('payload.n must be a number');
  });

  it('refuses a schema with a typo when it is compiled (strict), not when a payload arrives', () => {
    expect(() => compilePayloadValidator({ type: 'object', requierd: ['a'] }, { error })).toThrow(
      /unknown keyword/,
    );
  });

  it.each([
    [{ type: 'integer', minimum: 0 }, 'a non-negative integer'],
    [{ type: 'integer' }, 'an integer'],
    [{ type: ['number', 'null'] }, 'a number'],
    [{ type: 'boolean' }, 'true or false'],
    [{ type: 'array' }, 'an array'],
    [{ type: 'array', items: { type: 'string' } }, 'an array of strings'],
    [{ type: 'string', minLength: 1 }, 'a non-empty string'],
    [{ type: ['string', 'integer'] }, 'a string or an integer'],
    [{ enum: ['x', null] }, 'one of x'],
    [{}, 'valid'],
  ])('describes %j as "%s"', (fieldSchema, words) => {
    expect(describeExpected(fieldSchema)).toBe(words);
  });
});
