import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { declaredNames, loadTerraform, terraformDir } from './support/terraform-config';

// variables.tf needs no provider, so real Terraform can evaluate every type and
// validation rule offline: plan a module made of variables.tf alone.
const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' };
const hasTerraform = spawnSync('terraform', ['version'], { env }).status === 0;
const REQUIRED = {
  github_org: 'acme',
  jira_base_url: 'https://acme.atlassian.net',
  sentry_org: 'acme',
  slack_default_channel: 'C0123456789',
};
const ANTHROPIC_MODELS =
  '{discovery="claude-haiku-4-5-20251001",planning="claude-sonnet-4-6",execution="claude-sonnet-4-6",cicd="claude-sonnet-4-6"}';
const ANTHROPIC_KEY = 'sk-ant-api03-0123456789abcdef';
const models = (overrides: Record<string, string>) =>
  `{${Object.entries({
    discovery: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    planning: 'global.anthropic.claude-sonnet-4-6',
    execution: 'global.anthropic.claude-sonnet-4-6',
    cicd: 'global.anthropic.claude-sonnet-4-6',
    ...overrides,
  })
    .map(([agent, id]) => `${agent}="${id}"`)
    .join(',')}}`;
const price = (
  id: string,
  fields = 'inputPerMTok=5,outputPerMTok=25,cacheReadPerMTok=0.5,cacheWritePerMTok=6.25',
) => `{"${id}"={${fields},contextTokens=200000}}`;

describe('model defaults (no Terraform needed)', () => {
  it('prices every default model, and the same models by their Anthropic names', async () => {
    const variables = declaredNames(await loadTerraform(), 'variable');
    const agentModels = variables.get('agent_models')?.default as Record<string, string>;
    const prices = variables.get('model_prices')?.default as Record<string, Record<string, number>>;
    expect(Object.keys(agentModels).sort()).toEqual(['cicd', 'discovery', 'execution', 'planning']);
    for (const id of [...Object.values(agentModels), 'claude-sonnet-4-6', 'claude-haiku-4-5-20251001']) {
      expect(Object.keys(prices[id] ?? {}).sort()).toEqual([
        'cacheReadPerMTok',
        'cacheWritePerMTok',
        'contextTokens',
        'inputPerMTok',
        'outputPerMTok',
      ]);
    }
    // A cheaper model for discovery (issue 10).
    expect(prices[agentModels.discovery ?? '']?.inputPerMTok).toBeLessThan(
      prices[agentModels.planning ?? '']?.inputPerMTok ?? 0,
    );
  });
});

describe('variables.tf validations (real Terraform, no provider)', () => {
  let dir: string;
  const plan = (vars: Record<string, string>, extra: string[] = []) => {
    const args = Object.entries({ ...REQUIRED, ...vars }).flatMap(([k, v]) => ['-var', `${k}=${v}`]);
    const result = spawnSync('terraform', ['plan', '-input=false', '-no-color', ...extra, ...args], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  beforeAll(() => {
    if (!hasTerraform) return;
    dir = mkdtempSync(join(tmpdir(), 'tf-variables-'));
    copyFileSync(join(terraformDir, 'variables.tf'), join(dir, 'variables.tf'));
    const init = spawnSync('terraform', ['init', '-input=false', '-no-color'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(init.stderr);
  });

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const maybe = hasTerraform ? it : it.skip;
  if (!hasTerraform) console.warn('SKIPPED variables.tf validations: terraform is not installed');

  maybe('accepts the required values alone', () => {
    expect(plan({})).toMatchObject({ status: 0 });
  });

  maybe('accepts terraform.tfvars.example', () => {
    copyFileSync(join(terraformDir, 'terraform.tfvars.example'), join(dir, 'example.tfvars'));
    const result = plan({}, ['-var-file=example.tfvars']);
    expect(result.output).not.toContain('Error');
    expect(result.status).toBe(0);
  });

  maybe.each([
    ['project_name', { project_name: 'Bad_Name' }, 'project_name must be 3-24 characters'],
    [
      'a channel name instead of an id',
      { slack_default_channel: '#general' },
      'slack_default_channel must be a channel id',
    ],
    [
      'an unknown agent runtime',
      { agent_runtime: 'bedrock' },
      'agent_runtime must be converse or agents-classic',
    ],
    [
      'an unknown model provider',
      { model_provider: 'openai' },
      'model_provider must be bedrock or anthropic',
    ],
    [
      'the Anthropic API with Agents Classic',
      { agent_runtime: 'agents-classic', model_provider: 'anthropic', agent_models: ANTHROPIC_MODELS },
      'model_provider = anthropic needs agent_runtime = converse',
    ],
    [
      'agent_models without an agent',
      {
        agent_models:
          '{discovery="global.anthropic.claude-sonnet-4-6",planning="global.anthropic.claude-sonnet-4-6",execution="global.anthropic.claude-sonnet-4-6"}',
      },
      'agent_models must have exactly the keys discovery, planning, execution and cicd',
    ],
    [
      'agent_models with an unknown agent',
      { agent_models: models({ triage: 'global.anthropic.claude-sonnet-4-6' }) },
      'agent_models must have exactly the keys',
    ],
    [
      'an Anthropic model name on Bedrock',
      { agent_models: models({ planning: 'claude-sonnet-4-6' }) },
      'agent_models ids must match model_provider',
    ],
    [
      'Bedrock ids with the Anthropic provider',
      { model_provider: 'anthropic' },
      'agent_models ids must match model_provider',
    ],
    [
      'a model without a price',
      { agent_models: models({ execution: 'global.anthropic.claude-opus-4-6-v1' }) },
      'Every model in agent_models needs a price in model_prices',
    ],
    [
      'a negative price',
      {
        model_prices: price(
          'global.anthropic.claude-sonnet-4-6',
          'inputPerMTok=-1,outputPerMTok=15,cacheReadPerMTok=0.3,cacheWritePerMTok=3.75',
        ),
      },
      'model_prices must not be negative',
    ],
    [
      'a price without cache prices',
      {
        model_prices:
          '{"global.anthropic.claude-sonnet-4-6"={inputPerMTok=3,outputPerMTok=15,contextTokens=200000}}',
      },
      'attributes "cacheReadPerMTok" and "cacheWritePerMTok" are required',
    ],
    ['no turn', { agent_max_turns: '0' }, 'agent_max_turns must be a whole number between 1 and 500'],
    [
      'too many turns',
      { agent_max_turns: '501' },
      'agent_max_turns must be a whole number between 1 and 500',
    ],
    [
      'a tiny output limit',
      { agent_max_output_tokens: '1000' },
      'agent_max_output_tokens must be a whole number between 1024 and 128000',
    ],
    [
      'a deadline reserve longer than the Lambda can wait',
      { agent_deadline_reserve_seconds: '601' },
      'agent_deadline_reserve_seconds must be a whole number between 10 and 600',
    ],
    [
      'a deadline reserve too short to save the conversation',
      { agent_deadline_reserve_seconds: '5' },
      'agent_deadline_reserve_seconds must be a whole number between 10 and 600',
    ],
    [
      'no continuation',
      { max_agent_continues: '0' },
      'max_agent_continues must be a whole number between 1 and 50',
    ],
    [
      'too many continuations',
      { max_agent_continues: '51' },
      'max_agent_continues must be a whole number between 1 and 50',
    ],
    [
      'a fractional continuation count',
      { max_agent_continues: '2.5' },
      'max_agent_continues must be a whole number between 1 and 50',
    ],
    [
      'an Anthropic key with Bedrock',
      { anthropic_api_key: ANTHROPIC_KEY },
      'anthropic_api_key is used only with model_provider = anthropic',
    ],
    [
      'a malformed Anthropic key',
      { model_provider: 'anthropic', agent_models: ANTHROPIC_MODELS, anthropic_api_key: 'sk ant' },
      'anthropic_api_key must be an API key',
    ],
    [
      'a Jira URL with a trailing slash',
      { jira_base_url: 'https://acme.atlassian.net/' },
      'jira_base_url must be https://<host>',
    ],
    ['an unsupported log retention', { log_retention_days: '10' }, 'log_retention_days must be one of'],
    [
      'a fractional fix attempt count',
      { max_fix_attempts: '2.5' },
      'max_fix_attempts must be a whole number',
    ],
    ['a bad alarm e-mail', { alarm_email: 'oncall' }, 'alarm_email must be an e-mail address'],
    [
      'a token and an app at once',
      { github_token: 't', github_app_id: '1', github_app_private_key: 'k', github_app_installation_id: '2' },
      'Set either github_token or the github_app_*',
    ],
    [
      'half a GitHub App',
      { github_app_id: '1' },
      'Set github_app_id, github_app_private_key and github_app_installation_id',
    ],
    [
      'a Jira e-mail without a token',
      { jira_email: 'bot@acme.com' },
      'Set jira_email and jira_api_token together',
    ],
    [
      'a Slack token without a signing secret',
      { slack_bot_token: 'xoxb-1' },
      'Set slack_bot_token and slack_signing_secret',
    ],
    [
      'a Sentry token without a client secret',
      { sentry_auth_token: 's' },
      'Set sentry_auth_token and sentry_client_secret',
    ],
    ['a wrong architecture', { lambda_architecture: 'arm' }, 'lambda_architecture must be arm64 or x86_64'],
  ])('rejects %s', (_name, vars, message) => {
    const result = plan(vars);
    expect(result.status).not.toBe(0);
    expect(result.output.replace(/\s+/g, ' ')).toContain(message);
  });

  maybe.each([
    [
      'the Anthropic API',
      { model_provider: 'anthropic', agent_models: ANTHROPIC_MODELS, anthropic_api_key: ANTHROPIC_KEY },
    ],
    ['Agents Classic', { agent_runtime: 'agents-classic' }],
    [
      'a geographic profile and an on-demand model, each priced',
      {
        aws_region: 'eu-west-1',
        agent_models: models({
          planning: 'eu.anthropic.claude-opus-4-6-v1',
          discovery: 'amazon.nova-lite-v1:0',
        }),
        model_prices:
          '{"eu.anthropic.claude-opus-4-6-v1"={inputPerMTok=5,outputPerMTok=25,cacheReadPerMTok=0.5,cacheWritePerMTok=6.25,contextTokens=200000},"amazon.nova-lite-v1:0"={inputPerMTok=0.06,outputPerMTok=0.24,cacheReadPerMTok=0.015,cacheWritePerMTok=0,contextTokens=300000},"global.anthropic.claude-sonnet-4-6"={inputPerMTok=3,outputPerMTok=15,cacheReadPerMTok=0.3,cacheWritePerMTok=3.75,contextTokens=200000}}',
      },
    ],
  ])('accepts %s', (_name, vars) => {
    const result = plan(vars);
    expect(result.output).not.toContain('Error');
    expect(result.status).toBe(0);
  });

  // The secrets.tf locals decide which secret versions Terraform writes; run them for real.
  maybe.each([
    [{}, []],
    [{ github_token: 'ghp' }, ['github']],
    [{ github_app_id: '1', github_app_private_key: 'k', github_app_installation_id: '2' }, ['github']],
    [{ jira_email: 'bot@acme.com', jira_api_token: 't', github_webhook_secret: 'w' }, ['jira', 'webhooks']],
    [
      {
        slack_bot_token: 'xoxb',
        slack_signing_secret: 's',
        sentry_auth_token: 'a',
        sentry_client_secret: 'c',
      },
      ['sentry', 'slack'],
    ],
    [
      { model_provider: 'anthropic', agent_models: ANTHROPIC_MODELS, anthropic_api_key: ANTHROPIC_KEY },
      ['anthropic'],
    ],
    [{ model_provider: 'anthropic', agent_models: ANTHROPIC_MODELS }, []],
  ])('writes secret versions only for the secrets given: %j', (vars, expected) => {
    const secrets = readFileSync(join(terraformDir, 'secrets.tf'), 'utf8');
    const locals = /^locals \{[\s\S]*?^\}$/m.exec(secrets)?.[0];
    expect(locals).toBeDefined();
    writeFileSync(
      join(dir, 'secrets-locals.tf'),
      `${locals}\noutput "given" {\n  value = local.secrets_given\n}\noutput "github" {\n  value     = local.secret_values.github\n  sensitive = true\n}\noutput "anthropic" {\n  value     = local.secret_values.anthropic\n  sensitive = true\n}\n`,
    );
    try {
      const args = Object.entries({ ...REQUIRED, ...vars }).flatMap(([k, v]) => ['-var', `${k}=${v}`]);
      const apply = spawnSync('terraform', ['apply', '-auto-approve', '-input=false', '-no-color', ...args], {
        cwd: dir,
        env,
        encoding: 'utf8',
      });
      expect(apply.status).toBe(0);
      const outputs = JSON.parse(
        spawnSync('terraform', ['output', '-json'], { cwd: dir, env, encoding: 'utf8' }).stdout,
      ) as {
        given: { value: string[] };
        github: { value: string | null };
        anthropic: { value: string | null };
      };
      expect(outputs.given.value).toEqual(expected);
      if ('github_token' in vars) expect(JSON.parse(outputs.github.value ?? '')).toEqual({ token: 'ghp' });
      if ('anthropic_api_key' in vars)
        expect(JSON.parse(outputs.anthropic.value ?? '')).toEqual({ apiKey: ANTHROPIC_KEY });
      if ('github_app_id' in vars) {
        expect(JSON.parse(outputs.github.value ?? '')).toEqual({
          appId: '1',
          privateKey: 'k',
          installationId: '2',
        });
      }
    } finally {
      rmSync(join(dir, 'secrets-locals.tf'), { force: true });
      rmSync(join(dir, 'terraform.tfstate'), { force: true });
    }
  });

  maybe('requires the four settings without defaults', () => {
    const result = spawnSync('terraform', ['plan', '-input=false', '-no-color'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    for (const name of Object.keys(REQUIRED)) expect(result.stderr).toContain(`variable "${name}"`);
  });
});
