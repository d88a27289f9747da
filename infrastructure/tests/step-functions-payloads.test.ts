import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXPECTED_KEYWORD } from '@enterprise-agents/core/workflow';
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { DEFAULT_TEMPLATE_VARS, renderOrchestrator } from '../../packages/local/src/workflow';

/**
 * The state machine and the Lambdas agree on every Task payload through
 * schemas/step-functions/<action>.json (docs/contracts.md): whatever a Task state
 * sends is declared in its action's schema, whatever the schema requires is
 * sent, and every constant the definition sends is valid there. A `.$` key is
 * sent too: its value is only known at run time.
 */

type Json = Record<string, unknown>;
interface JsonSchema {
  $id?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  const?: unknown;
  [keyword: string]: unknown;
}
interface State {
  Type: string;
  Parameters?: { FunctionName?: string; Payload?: Json } & Json;
  ResultPath?: string | null;
}

const schemaDir = fileURLToPath(new URL('../../schemas/step-functions/', import.meta.url));
const schemas = new Map<string, JsonSchema>(
  readdirSync(schemaDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [
      file.replace(/\.json$/, ''),
      JSON.parse(readFileSync(`${schemaDir}${file}`, 'utf8')) as JsonSchema,
    ]),
);

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addKeyword({ keyword: EXPECTED_KEYWORD, schemaType: 'string' });

/** The Lambda that serves each action (the FunctionName's suffix in the local ARNs). */
const SERVED_BY: Record<string, string> = {
  claimTask: DEFAULT_TEMPLATE_VARS.agent_invoker_arn,
  recordStep: DEFAULT_TEMPLATE_VARS.agent_invoker_arn,
  invokeAgent: DEFAULT_TEMPLATE_VARS.agent_invoker_arn,
  finishTask: DEFAULT_TEMPLATE_VARS.agent_invoker_arn,
  requestApproval: DEFAULT_TEMPLATE_VARS.slack_handler_arn,
  notify: DEFAULT_TEMPLATE_VARS.slack_handler_arn,
  registerCiWait: DEFAULT_TEMPLATE_VARS.github_actions_arn,
  commentOnIssue: DEFAULT_TEMPLATE_VARS.jira_actions_arn,
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `'prUrl.$'` is the field `prUrl`, its value a path. */
const field = (key: string): string => key.replace(/\.\$$/, '');

/**
 * What is wrong with `sent` against `schema`: fields it does not declare, required
 * fields missing, constants it refuses; nested constant objects are checked the same way.
 */
const problems = (schema: JsonSchema, sent: Json, where: string): string[] => {
  const declared = schema.properties ?? {};
  const keys = Object.keys(sent).map(field);
  const found: string[] = [];
  for (const key of keys) if (!(key in declared)) found.push(`${where}.${key} is not declared`);
  for (const key of schema.required ?? []) if (!keys.includes(key)) found.push(`${where}.${key} is required`);
  for (const [key, value] of Object.entries(sent)) {
    const property = declared[key];
    if (key.endsWith('.$') || property === undefined) continue;
    if (isObject(value) && property.properties !== undefined) {
      found.push(...problems(property, value, `${where}.${key}`));
      continue;
    }
    const validate = ajv.compile(property);
    if (!validate(value))
      found.push(`${where}.${key} = ${JSON.stringify(value)}: ${ajv.errorsText(validate.errors)}`);
  }
  return found;
};

const rendered = renderOrchestrator() as { States: Record<string, State> };
const states = Object.entries(rendered.States);
const tasks = states.filter(([, state]) => state.Type === 'Task');
const payloadOf = (state: State): Json => state.Parameters?.Payload ?? {};

describe('Step Functions payloads ↔ schemas/step-functions', () => {
  it('has one strict draft-07 schema per action, named after it', () => {
    expect([...schemas.keys()].sort()).toEqual(Object.keys(SERVED_BY).sort());
    for (const [action, schema] of schemas) {
      expect(schema.$id).toBe(`https://enterprise-agents/schemas/step-functions/${action}.json`);
      expect(schema.properties?.action).toEqual({ const: action });
      expect(schema.required).toContain('action');
      expect(() => ajv.compile(schema)).not.toThrow();
    }
  });

  it('every Task state sends an action with a schema, to the Lambda that serves it', () => {
    expect(tasks.length).toBeGreaterThan(20);
    for (const [name, state] of tasks) {
      const action = payloadOf(state).action;
      expect({ name, action, known: schemas.has(String(action)) }).toEqual({ name, action, known: true });
      expect({ name, to: state.Parameters?.FunctionName }).toEqual({ name, to: SERVED_BY[String(action)] });
    }
    // No schema is left without a state that sends it.
    expect(new Set(tasks.map(([, state]) => payloadOf(state).action))).toEqual(new Set(schemas.keys()));
  });

  it.each(tasks.map(([name, state]) => [name, String(payloadOf(state).action), state] as const))(
    '%s: its %s payload declares every field it sends and sends every required one',
    (name, action, state) => {
      const schema = schemas.get(action) as JsonSchema;
      expect(problems(schema, payloadOf(state), name)).toEqual([]);
    },
  );

  it('the states that build an agent step input or an escalation send only what invokeAgent / finishTask declare', () => {
    const built = (resultPath: string) =>
      states.filter(([, state]) => state.Type === 'Pass' && state.ResultPath === resultPath);
    const inputs = built('$.stepInput');
    const escalations = built('$.escalation');
    expect(inputs.length).toBeGreaterThan(0);
    expect(escalations.length).toBeGreaterThan(0);
    const input = schemas.get('invokeAgent')?.properties?.input as JsonSchema;
    const escalation = schemas.get('finishTask')?.properties?.escalation as JsonSchema;
    for (const [name, state] of inputs) expect(problems(input, state.Parameters ?? {}, name)).toEqual([]);
    for (const [name, state] of escalations)
      expect(problems(escalation, state.Parameters ?? {}, name)).toEqual([]);
  });

  it('finds what it is meant to find: an undeclared field, a missing required one, a refused constant', () => {
    const notify = schemas.get('notify') as JsonSchema;
    expect(
      problems(notify, { action: 'notify', 'taskId.$': '$.taskId', kind: 'party', colour: 'red' }, 'S'),
    ).toEqual([
      'S.colour is not declared',
      expect.stringMatching(/^S\.kind = "party": data must be equal to one of the allowed values/),
    ]);
    expect(problems(notify, { action: 'notify', 'taskId.$': '$.taskId' }, 'S')).toEqual([
      'S.kind is required',
    ]);
  });
});
