import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { terraformDir } from './support/terraform-config';

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
    ['a bare Claude 4 model id', { model_id: 'claude-sonnet-4' }, 'model_id must be a Bedrock model'],
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
  ])('writes secret versions only for the secrets given: %j', (vars, expected) => {
    const secrets = readFileSync(join(terraformDir, 'secrets.tf'), 'utf8');
    const locals = /^locals \{[\s\S]*?^\}$/m.exec(secrets)?.[0];
    expect(locals).toBeDefined();
    writeFileSync(
      join(dir, 'secrets-locals.tf'),
      `${locals}\noutput "given" {\n  value = local.secrets_given\n}\noutput "github" {\n  value     = local.secret_values.github\n  sensitive = true\n}\n`,
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
      ) as { given: { value: string[] }; github: { value: string | null } };
      expect(outputs.given.value).toEqual(expected);
      if ('github_token' in vars) expect(JSON.parse(outputs.github.value ?? '')).toEqual({ token: 'ghp' });
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
