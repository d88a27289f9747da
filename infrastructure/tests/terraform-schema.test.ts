// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Terraform expressions, not JS templates.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  findCycles,
  loadFunctionNames,
  loadSchema,
  loadTerraform,
  type ProviderSchema,
  repoRoot,
  terraformDir,
  validateTerraform,
} from './support/terraform-config';

const terraform = spawnSync('terraform', ['version'], {
  env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
});
const hasTerraform = terraform.status === 0;

describe('terraform fmt', () => {
  if (!hasTerraform) console.warn('SKIPPED terraform fmt -check: terraform is not installed on this machine');
  (hasTerraform ? it : it.skip)('finds every .tf file formatted', () => {
    const result = spawnSync('terraform', ['fmt', '-check', '-recursive', '-diff', 'infrastructure'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    expect({ status: result.status, diff: result.stdout }).toEqual({ status: 0, diff: '' });
  });
});

describe('Terraform against the AWS provider schema', () => {
  let schema: ProviderSchema;
  let functions: Set<string>;
  const validateWith = async (file: string, edit: (text: string) => string) => {
    const original = readFileSync(join(terraformDir, file), 'utf8');
    const edited = edit(original);
    expect(edited).not.toBe(original);
    return validateTerraform(await loadTerraform(terraformDir, { file, text: edited }), schema, functions);
  };

  beforeAll(() => {
    schema = loadSchema();
    functions = loadFunctionNames();
  });

  it('uses the schema of the provider version versions.tf pins', () => {
    const versions = readFileSync(join(terraformDir, 'versions.tf'), 'utf8');
    const pinned = /version\s*=\s*"~>\s*([0-9]+\.[0-9]+)"/.exec(versions)?.[1];
    expect(pinned).toBeDefined();
    expect(schema.provider.version.startsWith(`${pinned}.`)).toBe(true);
  });

  it('finds no unknown type, argument, block, reference, attribute or function', async () => {
    const problems = await validateTerraform(await loadTerraform(), schema, functions);
    expect(problems).toEqual([]);
  });

  it('has no dependency cycle between blocks', async () => {
    expect(await findCycles(await loadTerraform())).toEqual([]);
  });

  it('reports a planted dependency cycle', async () => {
    const file = 'bedrock.tf';
    const original = readFileSync(join(terraformDir, file), 'utf8');
    const planted = original.replace(
      'depends_on = [aws_bedrockagent_agent_action_group.this]',
      'depends_on = [aws_bedrockagent_agent_action_group.this, aws_lambda_function.agent_invoker]',
    );
    expect(planted).not.toBe(original);
    const cycles = await findCycles(await loadTerraform(terraformDir, { file, text: planted }));
    expect(cycles.some((cycle) => cycle.includes('aws_lambda_function.agent_invoker'))).toBe(true);
  });

  // Each planted defect must be reported: a check that cannot fail proves nothing.
  it.each([
    [
      'an argument typo',
      'lambda.tf',
      (t: string) =>
        t.replace(
          'function_name    = local.function_names[each.key]',
          'function_nme = local.function_names[each.key]',
        ),
      [
        'aws_lambda_function.this: unsupported argument or block "function_nme"',
        'aws_lambda_function.this: missing required argument "function_name"',
      ],
    ],
    [
      'an unknown resource type',
      'dynamodb.tf',
      (t: string) =>
        t.replace('resource "aws_dynamodb_table" "tasks"', 'resource "aws_dynamodb_tables" "tasks"'),
      ['resource aws_dynamodb_tables.tasks: unknown resource type'],
    ],
    [
      'a block typo in a nested block',
      'eventbridge.tf',
      (t: string) => t.replace('maximum_retry_attempts       = 20', 'maximum_retries = 20'),
      [
        'aws_cloudwatch_event_target.orchestrator.retry_policy: unsupported argument or block "maximum_retries"',
      ],
    ],
    [
      'a reference to an undeclared variable',
      'lambda.tf',
      (t: string) =>
        t.replace('GITHUB_ORG           = var.github_org', 'GITHUB_ORG = var.github_organization'),
      ['reference to undeclared variable var.github_organization'],
    ],
    [
      'a reference to an undeclared local',
      'api-gateway.tf',
      (t: string) => t.replace('for_each = local.api_functions', 'for_each = local.api_function'),
      ['reference to undeclared local.api_function'],
    ],
    [
      'a reference to an undeclared resource',
      'step-functions.tf',
      (t: string) =>
        t.replace('aws_lambda_function.agent_invoker.arn', 'aws_lambda_function.agent_invokr.arn'),
      ['reference to undeclared resource aws_lambda_function.agent_invokr'],
    ],
    [
      'an unknown attribute',
      'api-gateway.tf',
      (t: string) =>
        t.replace(
          'aws_lambda_function.this[each.key].invoke_arn',
          'aws_lambda_function.this[each.key].invocation_arn',
        ),
      ['unsupported attribute "invocation_arn" of aws_lambda_function.this'],
    ],
    [
      'an unknown function',
      'lambda.tf',
      (t: string) =>
        t.replace(
          'filebase64sha256("${local.lambda_dist}/${each.key}.zip")',
          'filesha256base64("${local.lambda_dist}/${each.key}.zip")',
        ),
      ['call to unknown function filesha256base64()'],
    ],
    [
      'a variable without a description',
      'variables.tf',
      (t: string) =>
        t.replace(
          '  description = "Extra tags applied to every resource through the provider\'s default_tags."\n',
          '',
        ),
      ['variable tags: missing description'],
    ],
  ])('reports %s', async (_name, file, edit, expected) => {
    const problems = await validateWith(file, edit);
    for (const message of expected) {
      expect(problems.some((problem) => problem.includes(message))).toBe(true);
    }
  });
});
