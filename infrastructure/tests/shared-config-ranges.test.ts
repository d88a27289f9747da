import {
  EnvReader,
  readBranchPrefix,
  readGitHubApiUrl,
  readGitHubOrg,
  readJiraAllowedProjects,
  readJiraBaseUrl,
  SHARED_VARIABLES,
  type SharedVariable,
} from '@enterprise-agents/core/config';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { declaredNames, type Json, type JsonObject, loadTerraform } from './support/terraform-config';

// Core's shared configuration (packages/core/src/config/shared.ts) reads the variables several
// Lambdas read, with one rule each. Terraform validates the same variables before a deploy;
// when the two disagree, a value Terraform lets through fails every Lambda at cold start (the
// max_fix_attempts = 0 bug). This test keeps them in step.

let variables: Map<string, JsonObject>;

beforeAll(async () => {
  variables = declaredNames(await loadTerraform(), 'variable');
});

const variable = (name: string): JsonObject => {
  const body = variables.get(name);
  if (body === undefined) throw new Error(`variables.tf declares no variable ${name}`);
  return body;
};

/** The variable's validation conditions, without the `${…}` wrapper hcl2json keeps. */
const conditions = (name: string): string[] => {
  const validations = variable(name).validation;
  return (Array.isArray(validations) ? validations : [])
    .map((validation: Json) =>
      typeof validation === 'object' && validation !== null && !Array.isArray(validation)
        ? String(validation.condition ?? '')
        : '',
    )
    .map((condition) => condition.replace(/^\$\{([\s\S]*)\}$/, '$1'));
};

const escaped = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `var.x >= 1 && var.x <= 10` → its bounds; `floor(var.x) == var.x` → whole numbers only. */
const numericRange = (name: string) => {
  const text = conditions(name).join(' && ');
  const bound = (op: string) => {
    const match = new RegExp(`var\\.${escaped(name)}\\s*${op}\\s*(-?[0-9.]+)`).exec(text);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  return {
    min: bound('>='),
    max: bound('<='),
    integer: new RegExp(`floor\\(var\\.${escaped(name)}\\)\\s*==\\s*var\\.${escaped(name)}`).test(text),
  };
};

/** `contains(["a", "b"], var.x)` → the values. */
const allowedValues = (name: string): string[] | undefined => {
  for (const condition of conditions(name)) {
    const match = new RegExp(`contains\\(\\[([^\\]]*)\\],\\s*var\\.${escaped(name)}\\)`).exec(condition);
    if (match?.[1] !== undefined) return JSON.parse(`[${match[1]}]`) as string[];
  }
  return undefined;
};

/** `can(regex("…", …))` → the pattern (RE2 syntax; these patterns mean the same in JavaScript). */
const terraformPattern = (name: string): RegExp | undefined => {
  for (const condition of conditions(name)) {
    const match = /can\(regex\("((?:[^"\\]|\\.)*)"/.exec(condition);
    if (match?.[1] !== undefined) return new RegExp(JSON.parse(`"${match[1]}"`) as string);
  }
  return undefined;
};

const withTerraform = Object.entries(SHARED_VARIABLES).filter(
  (entry): entry is [SharedVariable, (typeof SHARED_VARIABLES)[SharedVariable] & { terraform: string }] =>
    entry[1].terraform !== undefined,
);

describe('shared configuration and Terraform agree on every shared variable', () => {
  it('names Terraform variables that exist, and sets TABLE_NAME from the table', () => {
    for (const [, rule] of withTerraform) expect(variables.has(rule.terraform)).toBe(true);
    expect(SHARED_VARIABLES.TABLE_NAME.terraform).toBeUndefined();
  });

  it.each(withTerraform.filter(([, rule]) => 'default' in rule))(
    '%s has Terraform’s default',
    (_env, rule) => {
      expect(variable(rule.terraform).default).toEqual((rule as { default: unknown }).default);
    },
  );

  it.each(withTerraform.filter(([, rule]) => rule.kind === 'number'))(
    '%s has Terraform’s range',
    (_env, rule) => {
      const { min, max, integer } = rule as typeof rule & { min: number; max: number; integer: boolean };
      expect(numericRange(rule.terraform)).toEqual({ min, max, integer });
    },
  );

  it.each(withTerraform.filter(([, rule]) => rule.kind === 'enum'))(
    '%s has Terraform’s values',
    (_env, rule) => {
      const { values } = rule as typeof rule & { values: readonly string[] };
      expect([...(allowedValues(rule.terraform) ?? [])].sort()).toEqual([...values].sort());
    },
  );

  it('max_fix_attempts: at least one CI/CD run, in Terraform and in every Lambda', () => {
    expect(numericRange('max_fix_attempts').min).toBe(1);
    expect(SHARED_VARIABLES.MAX_FIX_ATTEMPTS.min).toBe(1);
  });

  // The string rules of the Lambdas are looser than Terraform's (the local stack accepts
  // http sandboxes and a trailing slash), never stricter: every value Terraform accepts reads.
  it.each([
    ['GITHUB_ORG', 'github_org', ['acme', 'Acme-Corp', 'a', 'x'.repeat(39), 'bad_org'], readGitHubOrg],
    ['BRANCH_PREFIX', 'branch_prefix', ['agent/', 'ai.bot_1-x/', 'a/', 'agent', ' /'], readBranchPrefix],
    [
      'GITHUB_API_URL',
      'github_api_url',
      ['https://api.github.com', 'https://ghe.example.com/api/v3', 'http://127.0.0.1:3001'],
      readGitHubApiUrl,
    ],
    [
      'JIRA_BASE_URL',
      'jira_base_url',
      ['https://acme.atlassian.net', 'https://jira.example.com:8443', 'https://acme.atlassian.net/'],
      readJiraBaseUrl,
    ],
    ['JIRA_ALLOWED_PROJECTS', 'jira_allowed_projects', ['PAY', 'OPS_2', 'pay'], readJiraAllowedProjects],
  ] as const)('%s reads every value Terraform’s %s accepts', (envName, tfName, samples, read) => {
    const pattern = terraformPattern(tfName);
    expect(pattern).toBeDefined();
    const accepted = samples.filter((sample) => pattern?.test(sample));
    expect(accepted.length).toBeGreaterThan(0);
    for (const sample of accepted) expect(() => read(new EnvReader({ [envName]: sample }))).not.toThrow();
  });
});
