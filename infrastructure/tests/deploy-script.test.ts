import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from './support/terraform-config';

const SCRIPT = join(repoRoot, 'scripts', 'deploy-aws.sh');
const FUNCTIONS = [
  'webhook-handler',
  'slack-handler',
  'github-actions',
  'jira-actions',
  'sentry-actions',
  'agent-invoker',
];
const ENDPOINT = 'https://abc123.execute-api.us-east-1.amazonaws.com';

// Stand-ins for terraform and aws that log their arguments and answer like the real tools.
const FAKE_TERRAFORM = `#!/usr/bin/env bash
echo "terraform $*" >> "$FAKE_LOG"
args=" $* "
case "$args" in
  *" version -json "*) echo '{"terraform_version":"1.11.4"}' ;;
  *" output -raw api_endpoint "*) printf '%s' "${ENDPOINT}" ;;
  *" output -raw health_url "*) printf '%s' "${ENDPOINT}/health" ;;
  *" output -raw jira_webhook_url "*) printf '%s' "${ENDPOINT}/webhooks/jira" ;;
  *" output -raw github_webhook_url "*) printf '%s' "${ENDPOINT}/webhooks/github" ;;
  *" output -raw sentry_webhook_url "*) printf '%s' "${ENDPOINT}/webhooks/sentry" ;;
  *" output -raw slack_commands_url "*) printf '%s' "${ENDPOINT}/slack/commands" ;;
  *" output -raw slack_interactions_url "*) printf '%s' "${ENDPOINT}/slack/interactions" ;;
  *" output -json secrets_without_value "*) echo '["jira","slack"]' ;;
esac
exit 0
`;
const FAKE_AWS = `#!/usr/bin/env bash
echo "aws $*" >> "$FAKE_LOG"
[ "$1 $2" = "sts get-caller-identity" ] && echo 123456789012
exit 0
`;

describe('scripts/deploy-aws.sh', () => {
  let work: string;
  let root: string;
  let bin: string;
  let log: string;

  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync('bash', [join(root, 'scripts', 'deploy-aws.sh'), ...args], {
      encoding: 'utf8',
      input: '',
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: work, FAKE_LOG: log, ...extraEnv },
    });
  const logged = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');

  beforeAll(() => {
    // A copy of the layout the script expects, with fake zips and fake tools.
    work = mkdtempSync(join(tmpdir(), 'deploy-script-'));
    root = join(work, 'repo');
    bin = join(work, 'bin');
    log = join(work, 'calls.log');
    for (const dir of ['scripts', 'infrastructure/terraform', 'infrastructure/slack', 'dist']) {
      mkdirSync(join(root, dir), { recursive: true });
    }
    mkdirSync(bin);
    copyFileSync(SCRIPT, join(root, 'scripts', 'deploy-aws.sh'));
    for (const fn of FUNCTIONS) writeFileSync(join(root, 'dist', `${fn}.zip`), 'zip');
    writeFileSync(
      join(root, 'infrastructure', 'slack', 'app-manifest.json'),
      JSON.stringify({
        settings: { interactivity: { request_url: 'https://API_ENDPOINT/slack/interactions' } },
      }),
    );
    writeFileSync(join(bin, 'terraform'), FAKE_TERRAFORM);
    writeFileSync(join(bin, 'aws'), FAKE_AWS);
    chmodSync(join(bin, 'terraform'), 0o755);
    chmodSync(join(bin, 'aws'), 0o755);
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('explains itself with --help', () => {
    const result = spawnSync('bash', [SCRIPT, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    for (const option of ['--backend-config', '--var-file', '--yes', '--skip-build', '--destroy']) {
      expect(result.stdout).toContain(option);
    }
  });

  it('rejects an unknown option with exit code 2', () => {
    const result = spawnSync('bash', [SCRIPT, '--frobnicate'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option: --frobnicate');
  });

  it('names every missing prerequisite', () => {
    const empty = join(work, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const result = spawnSync('/bin/bash', [SCRIPT, '--yes'], { encoding: 'utf8', env: { PATH: empty } });
    expect(result.status).toBe(1);
    for (const tool of ['terraform', 'aws CLI', 'node', 'npm']) expect(result.stderr).toContain(tool);
  });

  it('refuses to apply without a terminal or --yes', () => {
    rmSync(log, { force: true });
    const result = run(['--skip-build']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('pass --yes');
    expect(logged()).toContain('plan -input=false -out=tfplan');
    expect(logged()).not.toContain(' apply ');
  });

  it('plans, applies the saved plan and prints the URLs, with local state when no backend is given', () => {
    rmSync(log, { force: true });
    const result = run(['--yes', '--skip-build']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const calls = logged();
    expect(calls).toContain('init -input=false');
    expect(calls).toMatch(/plan -input=false -out=tfplan\n[\s\S]*apply -input=false tfplan/);
    expect(readFileSync(join(root, 'infrastructure', 'terraform', 'backend_override.tf'), 'utf8')).toContain(
      'backend "local" {}',
    );
    expect(result.stdout).toContain(`Jira webhook:         ${ENDPOINT}/webhooks/jira`);
    expect(result.stdout).toContain(`Slack slash command:  ${ENDPOINT}/slack/commands`);
    expect(result.stdout).toContain('Put the secret values Terraform did not write (jira slack)');
    const manifest = JSON.parse(readFileSync(join(root, 'dist', 'slack-app-manifest.json'), 'utf8'));
    expect(manifest.settings.interactivity.request_url).toBe(`${ENDPOINT}/slack/interactions`);
  });

  it('passes --backend-config and --var-file to terraform as absolute paths', () => {
    rmSync(log, { force: true });
    const backend = join(work, 'backend.hcl');
    const vars = join(work, 'prod.tfvars');
    writeFileSync(backend, 'bucket = "b"\n');
    writeFileSync(vars, 'github_org = "acme"\n');
    // The run above kept its state locally (backend_override.tf): this one moves it to S3.
    expect(existsSync(join(root, 'infrastructure', 'terraform', 'backend_override.tf'))).toBe(true);
    const result = run(['--yes', '--skip-build', '--backend-config', backend, '--var-file', vars]);
    expect(result.status).toBe(0);
    expect(logged()).toContain(`init -input=false -migrate-state -force-copy -backend-config=${backend}`);
    rmSync(log, { force: true });
    expect(run(['--yes', '--skip-build', '--backend-config', backend, '--var-file', vars]).status).toBe(0);
    expect(logged()).toContain(`init -input=false -backend-config=${backend}`);
    expect(logged()).toContain(`plan -input=false -out=tfplan -var-file=${vars}`);
    expect(existsSync(join(root, 'infrastructure', 'terraform', 'backend_override.tf'))).toBe(false);
  });

  it('destroys after lifting the table deletion protection', () => {
    rmSync(log, { force: true });
    const result = run(['--destroy', '--yes']);
    expect(result.status).toBe(0);
    const calls = logged();
    expect(calls).toMatch(
      /apply -input=false -auto-approve -target=aws_dynamodb_table.tasks -var table_deletion_protection=false\n[\s\S]*destroy -input=false -auto-approve -var table_deletion_protection=false/,
    );
  });

  it('is shellcheck-clean', () => {
    const shellcheck = spawnSync('shellcheck', ['--version']);
    if (shellcheck.status !== 0) {
      console.warn('SKIPPED shellcheck: not installed (apt-get install shellcheck)');
      return;
    }
    const result = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
