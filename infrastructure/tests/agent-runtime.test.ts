// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Terraform expressions, not JS templates.
// Issue 10, infrastructure side: agent_runtime / model_provider / agent_models decide
// agent-invoker's environment, its model permissions, the Agents Classic resources and
// the secrets. Real Terraform evaluates those locals (agent-runtime.tf, the locals of
// bedrock.tf, iam.tf and secrets.tf) offline, with stand-ins for the few resource
// attributes they read; the HCL around them is checked in terraform-wiring.test.ts
// and lambda-iam.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { labelled, loadTerraform, repoRoot, terraformDir } from './support/terraform-config';
import { hasTerraform, LocalsModule, localsBlockDeclaring } from './support/terraform-eval';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const SONNET = 'global.anthropic.claude-sonnet-4-6';
const HAIKU = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
const PROFILE = (id: string) => `arn:aws:bedrock:${REGION}:${ACCOUNT}:inference-profile/${id}`;
const FUNCTION = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:enterprise-agents-${name}`;
const PRICE = {
  inputPerMTok: 1,
  outputPerMTok: 2,
  cacheReadPerMTok: 0.1,
  cacheWritePerMTok: 1.25,
  contextTokens: 200000,
};

// Stand-ins for what agent-runtime.tf reads from main.tf, lambda.tf and the resources
// (the same expressions as lambda.tf's agent_invoker_resources, with fake ids).
const STUBS = `locals {
  account_id     = "${ACCOUNT}"
  partition      = "aws"
  region         = var.aws_region
  name           = var.project_name
  function_names = { for key in ["webhook-handler", "slack-handler", "github-actions", "jira-actions", "sentry-actions", "agent-invoker"] : key => "\${local.name}-\${key}" }
  agent_invoker_resources = {
    agent_aliases          = { for agent, config in local.classic_agents : agent => { agentId = "AGENT-\${agent}", aliasId = "ALIAS-\${agent}" } }
    action_group_functions = { for schema, executor in local.action_group_executors : schema => "arn:aws:lambda:\${local.region}:${ACCOUNT}:function:\${local.function_names[executor]}" }
    anthropic_secret_arn   = contains(local.secret_names, "anthropic") ? "arn:aws:secretsmanager:\${local.region}:${ACCOUNT}:secret:\${local.name}/anthropic-AbCdEf" : null
  }
}`;

/** The agent-invoker variables of docs/contracts.md's environment table. */
const documentedInvokerVariables = (): Set<string> => {
  const text = readFileSync(join(repoRoot, 'docs', 'contracts.md'), 'utf8');
  const section = text.slice(text.indexOf('## Environment variables'), text.indexOf('## Secrets'));
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (!(cells[2] ?? '').includes('agent-invoker')) continue;
    for (const match of (cells[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(match[1] ?? '');
  }
  return names;
};

// The runtime contract (issue 10): what agent-invoker gets in every runtime, and per runtime.
const ALWAYS = [
  'AGENT_RUNTIME',
  'AGENT_MODELS',
  'MODEL_PRICES',
  'AGENT_MAX_TURNS',
  'AGENT_MAX_OUTPUT_TOKENS',
  'AGENT_DEADLINE_RESERVE_SECONDS',
  'TASK_BUDGET_USD',
  'DAILY_BUDGET_USD',
  'GITHUB_ORG',
  'BRANCH_PREFIX',
  'MAX_FIX_ATTEMPTS',
];
const CONVERSE = [...ALWAYS, 'MODEL_PROVIDER', 'ACTION_GROUP_FUNCTIONS'];

interface Statement {
  sid: string;
  resources: string[];
  conditions: { test: string; variable: string; values: string[] }[];
}
interface Outputs {
  environment: Record<string, string>;
  statements: Statement[];
  action_group_function_arns: string[];
  classic: { agents: string[]; action_groups: string[]; pairs: string[] };
  classic_iam: { profiles: string[]; models: string[] };
  secret_names: string[];
}

const maybe = hasTerraform ? describe : describe.skip;
if (!hasTerraform) console.warn('SKIPPED agent runtime evaluation: terraform is not installed');

maybe('agent runtime (real Terraform over the locals)', () => {
  let module: LocalsModule;
  const evaluate = (vars: Record<string, unknown> = {}) => module.evaluate(vars) as unknown as Outputs;
  let defaults: Outputs;

  beforeAll(() => {
    module = new LocalsModule(
      [
        readFileSync(join(terraformDir, 'agent-runtime.tf'), 'utf8'),
        localsBlockDeclaring('bedrock.tf', 'classic_agents'),
        localsBlockDeclaring('iam.tf', 'classic_model_arns'),
        localsBlockDeclaring('secrets.tf', 'secret_names'),
        STUBS,
      ],
      {
        environment: 'local.agent_invoker_environment',
        statements: 'local.converse_model_statements',
        action_group_function_arns: 'local.action_group_function_arns',
        classic:
          '{ agents = keys(local.classic_agents), action_groups = keys(local.action_groups), pairs = local.agent_executor_pairs }',
        classic_iam: '{ profiles = local.classic_profile_arns, models = local.classic_model_arns }',
        secret_names: 'local.secret_names',
      },
    );
    defaults = evaluate();
  }, 120_000);

  afterAll(() => module?.dispose());

  it('keeps agent-runtime.tf free of resources and data sources, so this evaluation is the real thing', async () => {
    const files = (await loadTerraform()).filter((f) => f.name === 'agent-runtime.tf');
    expect(files).toHaveLength(1);
    expect([...labelled(files, 'resource'), ...labelled(files, 'data')]).toEqual([]);
  });

  describe('converse on Bedrock (the default)', () => {
    it('sets exactly the contract variables, and no Agents Classic ones', () => {
      expect(Object.keys(defaults.environment).sort()).toEqual([...CONVERSE].sort());
      expect(defaults.environment).toMatchObject({
        AGENT_RUNTIME: 'converse',
        MODEL_PROVIDER: 'bedrock',
        AGENT_MAX_TURNS: '50',
        AGENT_MAX_OUTPUT_TOKENS: '16000',
        AGENT_DEADLINE_RESERVE_SECONDS: '120',
      });
    });

    it('passes the models, prices and action-group functions in the contract shapes', () => {
      expect(JSON.parse(defaults.environment.AGENT_MODELS ?? '')).toEqual({
        discovery: HAIKU,
        planning: SONNET,
        execution: SONNET,
        cicd: SONNET,
      });
      const prices = JSON.parse(defaults.environment.MODEL_PRICES ?? '') as Record<string, unknown>;
      // The contract's built-in prices (USD per million tokens).
      expect(prices[SONNET]).toEqual({
        inputPerMTok: 3,
        outputPerMTok: 15,
        cacheReadPerMTok: 0.3,
        cacheWritePerMTok: 3.75,
        contextTokens: 200000,
      });
      expect(prices[HAIKU]).toEqual({
        inputPerMTok: 1,
        outputPerMTok: 5,
        cacheReadPerMTok: 0.1,
        cacheWritePerMTok: 1.25,
        contextTokens: 200000,
      });
      expect(prices['claude-sonnet-4-6']).toEqual(prices[SONNET]);
      expect(prices['claude-haiku-4-5-20251001']).toEqual(prices[HAIKU]);
      expect(JSON.parse(defaults.environment.ACTION_GROUP_FUNCTIONS ?? '')).toEqual({
        'github-discovery': FUNCTION('github-actions'),
        'github-planning': FUNCTION('github-actions'),
        'github-ci': FUNCTION('github-actions'),
        jira: FUNCTION('jira-actions'),
        sentry: FUNCTION('sentry-actions'),
      });
    });

    it('lets agent-invoker invoke exactly the three action-group functions', () => {
      expect(defaults.action_group_function_arns).toEqual([
        FUNCTION('github-actions'),
        FUNCTION('jira-actions'),
        FUNCTION('sentry-actions'),
      ]);
    });

    it('grants the global profiles the three parts AWS documents, and nothing broader', () => {
      const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
      const viaProfiles = {
        test: 'StringEquals',
        variable: 'bedrock:InferenceProfileArn',
        values: [PROFILE(HAIKU), PROFILE(SONNET)],
      };
      expect(defaults.statements).toEqual([
        {
          sid: 'InvokeInferenceProfiles',
          resources: [PROFILE(HAIKU), PROFILE(SONNET)],
          conditions: [{ test: 'StringEquals', variable: 'aws:RequestedRegion', values: [REGION] }],
        },
        {
          sid: 'InvokeGlobalProfileModelInSourceRegion',
          resources: [
            fm(REGION, 'anthropic.claude-haiku-4-5-20251001-v1:0'),
            fm(REGION, 'anthropic.claude-sonnet-4-6'),
          ],
          conditions: [
            { test: 'StringEquals', variable: 'aws:RequestedRegion', values: [REGION] },
            viaProfiles,
          ],
        },
        {
          sid: 'InvokeGlobalProfileModelAnyRegion',
          resources: [
            fm('', 'anthropic.claude-haiku-4-5-20251001-v1:0'),
            fm('', 'anthropic.claude-sonnet-4-6'),
          ],
          conditions: [
            { test: 'StringEquals', variable: 'aws:RequestedRegion', values: ['unspecified'] },
            viaProfiles,
          ],
        },
      ]);
    });

    it('creates no Agents Classic resource and no anthropic secret', () => {
      expect(defaults.classic).toEqual({ agents: [], action_groups: [], pairs: [] });
      expect(defaults.secret_names).toEqual(['github', 'jira', 'sentry', 'slack', 'webhooks']);
    });
  });

  it("leaves agent-invoker well inside Lambda's 4 KB environment limit with the defaults", () => {
    // lambda.tf's precondition counts names and values; common variables and real ARNs add about 250 bytes.
    const size = Object.entries(defaults.environment).reduce(
      (sum, [name, value]) => sum + name.length + value.length,
      0,
    );
    expect(size).toBeLessThan(2500);
    const lambda = readFileSync(join(terraformDir, 'lambda.tf'), 'utf8');
    expect(lambda).toContain(
      'sum([for name, value in merge(local.common_lambda_environment, local.agent_invoker_environment) : length(name) + length(value)]) <= 4096',
    );
  });

  it('scopes geographic profiles to their profile and in-region models to the region', () => {
    const geo = 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const onDemand = 'anthropic.claude-3-haiku-20240307-v1:0';
    const result = evaluate({
      aws_region: 'eu-west-1',
      agent_models: { discovery: onDemand, planning: geo, execution: geo, cicd: SONNET },
      model_prices: { [geo]: PRICE, [onDemand]: PRICE, [SONNET]: PRICE },
    });
    const profile = (id: string) => `arn:aws:bedrock:eu-west-1:${ACCOUNT}:inference-profile/${id}`;
    const bySid = Object.fromEntries(result.statements.map((s) => [s.sid, s]));
    expect(Object.keys(bySid)).toEqual([
      'InvokeInferenceProfiles',
      'InvokeGlobalProfileModelInSourceRegion',
      'InvokeGlobalProfileModelAnyRegion',
      'InvokeGeographicProfileModels',
      'InvokeInRegionModels',
    ]);
    expect(bySid.InvokeInferenceProfiles?.resources).toEqual([profile(SONNET), profile(geo)]);
    // The geography's regions change over time: any region, but only through our eu. profile.
    expect(bySid.InvokeGeographicProfileModels).toEqual({
      sid: 'InvokeGeographicProfileModels',
      resources: ['arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0'],
      conditions: [{ test: 'StringEquals', variable: 'bedrock:InferenceProfileArn', values: [profile(geo)] }],
    });
    expect(bySid.InvokeInRegionModels).toEqual({
      sid: 'InvokeInRegionModels',
      resources: [`arn:aws:bedrock:eu-west-1::foundation-model/${onDemand}`],
      conditions: [],
    });
    expect(bySid.InvokeGlobalProfileModelAnyRegion?.resources).toEqual([
      'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-6',
    ]);
  });

  it('never grants a model or profile wildcard, and conditions every cross-region model ARN on our profiles', () => {
    const geo = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const result = evaluate({
      agent_models: { discovery: HAIKU, planning: geo, execution: SONNET, cicd: 'amazon.nova-pro-v1:0' },
      model_prices: { [HAIKU]: PRICE, [geo]: PRICE, [SONNET]: PRICE, 'amazon.nova-pro-v1:0': PRICE },
    });
    for (const statement of [...defaults.statements, ...result.statements]) {
      for (const resource of statement.resources) {
        expect(resource).toMatch(
          /^arn:aws:bedrock:[a-z0-9*-]*:(\d{12})?:(inference-profile|foundation-model)\/[a-z0-9.:-]+$/,
        );
        const region = resource.split(':')[3];
        const variables = statement.conditions.map((c) => c.variable);
        if (region === '' || region === '*') expect(variables).toContain('bedrock:InferenceProfileArn');
        if (region === '')
          expect(statement.conditions).toContainEqual({
            test: 'StringEquals',
            variable: 'aws:RequestedRegion',
            values: ['unspecified'],
          });
      }
    }
  });

  it('converse on the Anthropic API: its secret, no Bedrock model permission', () => {
    const result = evaluate({
      model_provider: 'anthropic',
      agent_models: {
        discovery: 'claude-haiku-4-5-20251001',
        planning: 'claude-sonnet-4-6',
        execution: 'claude-sonnet-4-6',
        cicd: 'claude-sonnet-4-6',
      },
    });
    expect(Object.keys(result.environment).sort()).toEqual([...CONVERSE, 'ANTHROPIC_SECRET_ARN'].sort());
    expect(result.environment.MODEL_PROVIDER).toBe('anthropic');
    expect(result.environment.ANTHROPIC_SECRET_ARN).toBe(
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:enterprise-agents/anthropic-AbCdEf`,
    );
    expect(result.statements).toEqual([]);
    expect(result.secret_names).toContain('anthropic');
    expect(result.classic.agents).toEqual([]);
  });

  it('agents-classic: AGENTS and the four agents with their action groups, no converse settings', () => {
    const result = evaluate({ agent_runtime: 'agents-classic' });
    expect(Object.keys(result.environment).sort()).toEqual([...ALWAYS, 'AGENTS'].sort());
    expect(JSON.parse(result.environment.AGENTS ?? '')).toEqual({
      cicd: { agentId: 'AGENT-cicd', aliasId: 'ALIAS-cicd' },
      discovery: { agentId: 'AGENT-discovery', aliasId: 'ALIAS-discovery' },
      execution: { agentId: 'AGENT-execution', aliasId: 'ALIAS-execution' },
      planning: { agentId: 'AGENT-planning', aliasId: 'ALIAS-planning' },
    });
    expect(result.statements).toEqual([]);
    expect(result.classic.agents.sort()).toEqual(['cicd', 'discovery', 'execution', 'planning']);
    expect(result.classic.action_groups.sort()).toEqual([
      'cicd/github-ci',
      'cicd/github-planning',
      'discovery/github-discovery',
      'discovery/sentry',
      'execution/github-discovery',
      'execution/github-planning',
      'planning/github-planning',
      'planning/jira',
    ]);
    expect(result.classic.pairs.length).toBeGreaterThanOrEqual(4);
    // The agent role: the profiles, their models in any region and the global region-less ARN.
    expect(result.classic_iam).toEqual({
      profiles: [PROFILE(HAIKU), PROFILE(SONNET)],
      models: [
        'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
        'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-6',
        'arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
        'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-6',
      ],
    });
    expect(result.secret_names).not.toContain('anthropic');
  });

  it('sets only documented variables, and every documented agent-invoker variable in some runtime', () => {
    const documented = documentedInvokerVariables();
    const classic = evaluate({ agent_runtime: 'agents-classic' });
    const anthropic = evaluate({
      model_provider: 'anthropic',
      agent_models: {
        discovery: 'claude-haiku-4-5-20251001',
        planning: 'claude-sonnet-4-6',
        execution: 'claude-sonnet-4-6',
        cicd: 'claude-sonnet-4-6',
      },
    });
    const set = new Set([defaults, classic, anthropic].flatMap((result) => Object.keys(result.environment)));
    expect([...set].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !set.has(name))).toEqual([]);
    expect(set.has('MODEL_ID')).toBe(false);
  });
});
