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
  *" show -json tfplan "*) cat "$FAKE_PLAN_JSON" ;;
esac
exit 0
`;
// The Bedrock answers follow the response shapes of GetInferenceProfile, GetFoundationModel
// and GetFoundationModelAvailability (botocore's bedrock service model), and the CLI's error
// format ("An error occurred (Code) when calling the Operation operation: ...", exit 254).
const FAKE_AWS = `#!/usr/bin/env bash
echo "aws $*" >> "$FAKE_LOG"
[ "$1 $2" = "sts get-caller-identity" ] && echo 123456789012 && exit 0
[ "$1" = bedrock ] || exit 0
id=""; region=""; prev=""
for arg in "$@"; do
  case "$prev" in
    --inference-profile-identifier | --model-identifier | --model-id) id="$arg" ;;
    --region) region="$arg" ;;
  esac
  prev="$arg"
done
fail() { printf '\nAn error occurred (%s) when calling the %s operation: %s\n' "$1" "$2" "$3" >&2; exit 254; }
case "$2" in
  get-inference-profile)
    [ "$FAKE_BEDROCK_DENY" = "$2" ] && fail AccessDeniedException GetInferenceProfile "User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: bedrock:GetInferenceProfile on resource: arn:aws:bedrock:$region:123456789012:inference-profile/$id because no identity-based policy allows the bedrock:GetInferenceProfile action"
    [ "$FAKE_BEDROCK_MISSING" = "$id" ] && fail ResourceNotFoundException GetInferenceProfile "Inference profile $id not found."
    printf '{"inferenceProfileName":"%s","inferenceProfileArn":"arn:aws:bedrock:%s:123456789012:inference-profile/%s","models":[{"modelArn":"arn:aws:bedrock:::foundation-model/%s"}],"inferenceProfileId":"%s","status":"ACTIVE","type":"SYSTEM_DEFINED"}\n' "$id" "$region" "$id" "\${id#*.}" "$id"
    ;;
  get-foundation-model)
    [ "$FAKE_BEDROCK_DENY" = "$2" ] && fail AccessDeniedException GetFoundationModel "You don't have access to the model with the specified model ID."
    status=ACTIVE; times=""
    if [ "$FAKE_BEDROCK_LEGACY" = "$id" ]; then status=LEGACY; times=',"legacyTime":"2026-01-15T00:00:00+00:00","endOfLifeTime":"2026-07-15T00:00:00+00:00"'; fi
    printf '{"modelDetails":{"modelArn":"arn:aws:bedrock:%s::foundation-model/%s","modelId":"%s","modelName":"Claude","providerName":"Anthropic","inputModalities":["TEXT","IMAGE"],"outputModalities":["TEXT"],"responseStreamingSupported":true,"inferenceTypesSupported":["INFERENCE_PROFILE"],"modelLifecycle":{"status":"%s"%s}}}\n' "$region" "$id" "$id" "$status" "$times"
    ;;
  get-foundation-model-availability)
    authorization=AUTHORIZED
    [ "$FAKE_BEDROCK_UNAUTHORIZED" = "$id" ] && authorization=NOT_AUTHORIZED
    printf '{"modelId":"%s","agreementAvailability":{"status":"AVAILABLE"},"authorizationStatus":"%s","entitlementAvailability":"AVAILABLE","regionAvailability":"AVAILABLE"}\n' "$id" "$authorization"
    ;;
esac
exit 0
`;
const SONNET = 'global.anthropic.claude-sonnet-4-6';
const HAIKU = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
/** What `terraform show -json tfplan` prints (only the part the script reads). */
const planJson = (variables: Record<string, unknown>) =>
  JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.11.4',
    variables: Object.fromEntries(
      Object.entries({
        aws_region: 'us-east-1',
        agent_runtime: 'converse',
        model_provider: 'bedrock',
        agent_models: { discovery: HAIKU, planning: SONNET, execution: SONNET, cicd: SONNET },
        ...variables,
      }).map(([name, value]) => [name, { value }]),
    ),
  });

describe('scripts/deploy-aws.sh', () => {
  let work: string;
  let root: string;
  let bin: string;
  let log: string;
  let plan: string;

  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync('bash', [join(root, 'scripts', 'deploy-aws.sh'), ...args], {
      encoding: 'utf8',
      input: '',
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: work,
        FAKE_LOG: log,
        FAKE_PLAN_JSON: plan,
        ...extraEnv,
      },
    });
  const logged = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');

  beforeAll(() => {
    // A copy of the layout the script expects, with fake zips and fake tools.
    work = mkdtempSync(join(tmpdir(), 'deploy-script-'));
    root = join(work, 'repo');
    bin = join(work, 'bin');
    log = join(work, 'calls.log');
    plan = join(work, 'plan.json');
    writeFileSync(plan, planJson({}));
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
    for (const option of [
      '--backend-config',
      '--var-file',
      '--yes',
      '--skip-build',
      '--skip-model-check',
      '--destroy',
    ]) {
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

  describe('model check before apply', () => {
    const deploy = (
      variables: Record<string, unknown>,
      extraEnv: Record<string, string> = {},
      args: string[] = [],
    ) => {
      rmSync(log, { force: true });
      writeFileSync(plan, planJson(variables));
      const result = run(['--yes', '--skip-build', ...args], extraEnv);
      writeFileSync(plan, planJson({}));
      return { ...result, calls: logged() };
    };
    const bedrockCalls = (calls: string) =>
      calls.split('\n').filter((line) => line.startsWith('aws bedrock '));

    it('reads the models from the saved plan and checks each one once, profile then model, before applying', () => {
      const { status, stdout, stderr, calls } = deploy({});
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(calls).toMatch(
        /plan -input=false -out=tfplan\n[\s\S]*show -json tfplan\n[\s\S]*aws bedrock [\s\S]*apply -input=false tfplan/,
      );
      expect(bedrockCalls(calls)).toEqual([
        `aws bedrock get-inference-profile --region us-east-1 --inference-profile-identifier ${HAIKU} --output json`,
        'aws bedrock get-foundation-model --region us-east-1 --model-identifier anthropic.claude-haiku-4-5-20251001-v1:0 --output json',
        'aws bedrock get-foundation-model-availability --region us-east-1 --model-id anthropic.claude-haiku-4-5-20251001-v1:0 --output json',
        `aws bedrock get-inference-profile --region us-east-1 --inference-profile-identifier ${SONNET} --output json`,
        'aws bedrock get-foundation-model --region us-east-1 --model-identifier anthropic.claude-sonnet-4-6 --output json',
        'aws bedrock get-foundation-model-availability --region us-east-1 --model-id anthropic.claude-sonnet-4-6 --output json',
      ]);
      expect(stdout).toContain('Checking the Bedrock models of agent_models in us-east-1');
      expect(stdout).toContain(`${SONNET}: ACTIVE (planning,execution,cicd)`);
    });

    it('stops on a LEGACY model and says what to do', () => {
      const { status, stderr, calls } = deploy(
        {
          aws_region: 'eu-west-1',
          agent_models: {
            discovery: HAIKU,
            planning: SONNET,
            execution: SONNET,
            cicd: 'anthropic.claude-3-haiku-20240307-v1:0',
          },
        },
        { FAKE_BEDROCK_LEGACY: 'anthropic.claude-3-haiku-20240307-v1:0' },
      );
      expect(status).toBe(1);
      expect(stderr).toContain(
        'anthropic.claude-3-haiku-20240307-v1:0 (agent_models: cicd) is LEGACY in Bedrock (end of life 2026-07-15',
      );
      expect(stderr).toContain('pick a current model for cicd in agent_models');
      expect(stderr).toContain('add its price to model_prices');
      expect(stderr).toContain(
        'aws bedrock list-foundation-models --region eu-west-1 --by-provider anthropic',
      );
      expect(stderr).toContain('Not applied: 1 model(s) cannot be used');
      // An on-demand id has no inference profile to look up.
      expect(calls).not.toContain('--inference-profile-identifier anthropic.claude-3-haiku');
      expect(calls).not.toContain(' apply -input=false tfplan');
    });

    it.each([
      ['get-inference-profile', 'bedrock:GetInferenceProfile'],
      ['get-foundation-model', "You don't have access to the model"],
    ])('stops when Bedrock denies %s, naming model access and the permissions', (command, detail) => {
      const { status, stderr, calls } = deploy({}, { FAKE_BEDROCK_DENY: command });
      expect(status).toBe(1);
      expect(stderr).toContain('AccessDeniedException');
      expect(stderr).toContain(detail);
      expect(stderr).toContain('Enable access to the model: Bedrock console (us-east-1) > Model catalog');
      expect(stderr).toContain('bedrock:GetInferenceProfile and bedrock:GetFoundationModel');
      expect(stderr).toContain('pick a model you can use in agent_models');
      expect(stderr).toContain('--skip-model-check');
      expect(stderr).toContain('Not applied: 2 model(s) cannot be used');
      expect(calls).not.toContain(' apply -input=false tfplan');
    });

    it('stops on an inference profile the region does not have, with the commands that list real ones', () => {
      const { status, stderr, calls } = deploy({}, { FAKE_BEDROCK_MISSING: HAIKU });
      expect(status).toBe(1);
      expect(stderr).toContain(
        `cannot use inference profile ${HAIKU} (agent_models: discovery) in us-east-1`,
      );
      expect(stderr).toContain('ResourceNotFoundException');
      expect(stderr).toContain(
        'aws bedrock list-inference-profiles --region us-east-1 --type-equals SYSTEM_DEFINED',
      );
      expect(stderr).toContain('Not applied: 1 model(s) cannot be used');
      expect(calls).not.toContain(' apply -input=false tfplan');
    });

    it('warns but applies when Bedrock reports the account not yet authorised for a model', () => {
      const { status, stderr, calls } = deploy(
        {},
        { FAKE_BEDROCK_UNAUTHORIZED: 'anthropic.claude-sonnet-4-6' },
      );
      expect(status).toBe(0);
      expect(stderr).toContain('warning: Bedrock reports anthropic.claude-sonnet-4-6 as NOT_AUTHORIZED');
      expect(calls).toContain('apply -input=false tfplan');
    });

    it('skips the check for the Anthropic API and says so', () => {
      const { status, stdout, calls } = deploy({
        model_provider: 'anthropic',
        agent_models: {
          discovery: 'claude-haiku-4-5-20251001',
          planning: 'claude-sonnet-4-6',
          execution: 'claude-sonnet-4-6',
          cicd: 'claude-sonnet-4-6',
        },
      });
      expect(status).toBe(0);
      expect(stdout).toContain('Model check skipped: model_provider is anthropic');
      expect(bedrockCalls(calls)).toEqual([]);
      expect(calls).toContain('apply -input=false tfplan');
    });

    it('checks Agents Classic models on Bedrock too, and --skip-model-check skips it', () => {
      const classic = deploy(
        { agent_runtime: 'agents-classic' },
        { FAKE_BEDROCK_LEGACY: 'anthropic.claude-sonnet-4-6' },
      );
      expect(classic.status).toBe(1);
      expect(classic.stderr).toContain('is LEGACY');
      const skipped = deploy(
        { agent_runtime: 'agents-classic' },
        { FAKE_BEDROCK_LEGACY: 'anthropic.claude-sonnet-4-6' },
        ['--skip-model-check'],
      );
      expect(skipped.status).toBe(0);
      expect(skipped.stdout).toContain('Skipping the Bedrock model check (--skip-model-check)');
      expect(bedrockCalls(skipped.calls)).toEqual([]);
    });
  });

  const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  if (!hasShellcheck) console.warn('SKIPPED shellcheck: not installed (apt-get install shellcheck)');
  (hasShellcheck ? it : it.skip)('is shellcheck-clean', () => {
    const result = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
