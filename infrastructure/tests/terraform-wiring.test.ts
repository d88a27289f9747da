// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Terraform expressions, not JS templates.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { tableDefinition } from '@enterprise-agents/core/db';
import { EVENT_SOURCE, EventDetailType } from '@enterprise-agents/core/domain';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { lambdaPackages } from './support/lambda-calls';
import {
  bodies,
  declaredNames,
  isObject,
  type Json,
  type JsonObject,
  labelled,
  loadTerraform,
  repoRoot,
  type TfFile,
} from './support/terraform-config';

type AslValidator = (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

const STATE_MACHINE = join(repoRoot, 'infrastructure', 'statemachine', 'orchestrator.asl.json');
const FUNCTIONS = [
  'webhook-handler',
  'slack-handler',
  'github-actions',
  'jira-actions',
  'sentry-actions',
  'agent-invoker',
];
/** Service integrations the orchestrator may use (agents only through agent-invoker). */
const TASK_RESOURCE_ALLOWLIST = new Set([
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
]);

const resource = (files: readonly TfFile[], type: string, name: string): JsonObject => {
  const found = labelled(files, 'resource').find((r) => r.type === type && r.name === name);
  if (found === undefined) throw new Error(`resource ${type}.${name} not declared`);
  return found.body;
};
const local = (files: readonly TfFile[], name: string): Json | undefined =>
  declaredNames(files, 'locals').get(name)?.value;
const objectOf = (value: Json | undefined): JsonObject => {
  if (!isObject(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
};

/** Renders the ASL template the way templatefile() does for plain ${name} placeholders. */
const renderAsl = (text: string, vars: Record<string, string | number>) =>
  text.replace(/\$\{([a-z_]+)\}/g, (_all, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`template variable ${name} is not passed`);
    return String(value);
  });

/** Env var → Lambdas that use it, from the table in docs/contracts.md. */
const contractEnvironment = (): Map<string, string[]> => {
  const text = readFileSync(join(repoRoot, 'docs', 'contracts.md'), 'utf8');
  const section = text.slice(text.indexOf('## Environment variables'), text.indexOf('## Secrets'));
  const usage = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const names = [...(cells[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] ?? '');
    const users = cells[2] ?? '';
    if (names.length === 0) continue;
    const lambdas = users.startsWith('all GitHub users')
      ? ['webhook-handler', 'github-actions', 'slack-handler']
      : FUNCTIONS.filter((fn) => users.includes(fn));
    for (const name of names) usage.set(name, lambdas);
  }
  return usage;
};

describe('Terraform wiring', () => {
  let files: TfFile[];

  beforeAll(async () => {
    files = await loadTerraform();
  });

  describe('Lambdas', () => {
    it('deploys exactly the Lambda packages of the workspace', () => {
      const keys = local(files, 'function_keys') as string[];
      expect([...keys].sort()).toEqual(
        lambdaPackages()
          .map((p) => p.name)
          .sort(),
      );
      expect([...keys].sort()).toEqual([...FUNCTIONS].sort());
      // The five in the for_each plus agent-invoker on its own (dependency cycle otherwise).
      const integration = Object.keys(objectOf(local(files, 'integration_functions')));
      expect([...integration, 'agent-invoker'].sort()).toEqual([...keys].sort());
    });

    it('references only zips the build produces, with source_code_hash and the right runtime', () => {
      const functions = labelled(files, 'resource').filter((r) => r.type === 'aws_lambda_function');
      expect(functions.map((f) => f.name).sort()).toEqual(['agent_invoker', 'this']);
      for (const { body } of functions) {
        expect(body.runtime).toBe('nodejs22.x');
        expect(body.handler).toBe('index.handler');
        expect(bodies(body.tracing_config)[0]?.mode).toBe('Active');
        const filename = String(body.filename);
        expect(filename).toMatch(/^\$\{local\.lambda_dist\}\/.+\.zip$/);
        expect(body.source_code_hash).toBe(`\${filebase64sha256("${filename}")}`);
      }
      expect(local(files, 'lambda_dist')).toBe('${path.module}/../../dist');
      // `make test` builds before jest, so every zip must exist now.
      const missing = FUNCTIONS.filter((fn) => !existsSync(join(repoRoot, 'dist', `${fn}.zip`)));
      expect(missing).toEqual([]);
    });

    it('sets every environment variable docs/contracts.md assigns to each Lambda', () => {
      const integration = objectOf(local(files, 'integration_functions'));
      // agent-invoker's depends on the runtime (a merge() of maps): every name it can set here;
      // agent-runtime.test.ts evaluates which ones each runtime gets.
      const invokerNames = [
        ...String(local(files, 'agent_invoker_environment')).matchAll(/^\s*([A-Z][A-Z0-9_]+)\s*=/gm),
      ].map((m) => m[1] ?? '');
      const environments: Record<string, Record<string, unknown>> = {
        ...Object.fromEntries(
          Object.entries(integration).map(([fn, cfg]) => [fn, objectOf(objectOf(cfg).environment)]),
        ),
        'agent-invoker': Object.fromEntries(invokerNames.map((name) => [name, true])),
      };
      const common = objectOf(local(files, 'common_lambda_environment'));
      const missing: string[] = [];
      for (const [variable, users] of contractEnvironment()) {
        for (const fn of users) {
          if (!(variable in (environments[fn] ?? {})) && !(variable in common))
            missing.push(`${fn}: ${variable}`);
        }
      }
      expect(missing).toEqual([]);
      expect(Object.keys(common).sort()).toEqual([
        'LOG_LEVEL',
        'NODE_OPTIONS',
        'SECRETS_CACHE_SECONDS',
        'TABLE_NAME',
      ]);
    });

    it('gives agent-invoker the contract environment from agent-runtime.tf, and what it needs from resources', () => {
      const fn = resource(files, 'aws_lambda_function', 'agent_invoker');
      expect(bodies(fn.environment)[0]?.variables).toBe(
        '${merge(local.common_lambda_environment, local.agent_invoker_environment)}',
      );
      const inputs = JSON.stringify(local(files, 'agent_invoker_resources')).replaceAll('\\"', '"');
      // ACTION_GROUP_FUNCTIONS: each schema to the Lambda that executes it; AGENTS: the aliases.
      expect(inputs).toContain(
        'for schema, executor in local.action_group_executors : schema => aws_lambda_function.this[executor].arn',
      );
      expect(inputs).toContain('for agent, alias in aws_bedrockagent_agent_alias.this');
      expect(inputs).toContain('agentId = alias.agent_id, aliasId = alias.agent_alias_id');
      expect(inputs).toContain('try(aws_secretsmanager_secret.this["anthropic"].arn, null)');
      const environment = String(local(files, 'agent_invoker_environment'));
      expect(environment).toContain('local.agents_classic ? {');
      expect(environment).toContain('local.uses_anthropic ? {');
      expect(environment).not.toContain('MODEL_ID');
    });

    it('keeps agent-invoker within its 900 s Lambda limit: agent Tasks wait as long, the deadline reserve is shorter', () => {
      const fn = resource(files, 'aws_lambda_function', 'agent_invoker');
      expect(fn.timeout).toBe(900);
      const reserve = declaredNames(files, 'variable').get('agent_deadline_reserve_seconds');
      const validation = String(bodies(reserve?.validation)[0]?.condition);
      const max = Number(/agent_deadline_reserve_seconds <= (\d+)/.exec(validation)?.[1]);
      expect(max).toBeLessThan(900);
      expect(Number(reserve?.default)).toBeLessThan(max);
      const definition = JSON.parse(
        readFileSync(STATE_MACHINE, 'utf8').replace(/\$\{([a-z_]+)\}/g, (_all, name: string) =>
          name.endsWith('_arn') ? name : '1',
        ),
      ) as Json;
      const invokerTasks: JsonObject[] = [];
      const visit = (node: Json) => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (isObject(node)) {
          const args = node.Type === 'Task' ? objectOf(node.Arguments ?? node.Parameters ?? {}) : undefined;
          if (args?.FunctionName === 'agent_invoker_arn') invokerTasks.push(node);
          Object.values(node).forEach(visit);
        }
      };
      visit(definition);
      const agentSteps = invokerTasks.filter((task) =>
        JSON.stringify(task.Arguments ?? task.Parameters).includes('"invokeAgent"'),
      );
      expect(agentSteps.length).toBeGreaterThan(0);
      for (const task of agentSteps) expect(task.TimeoutSeconds).toBe(900);
      for (const task of invokerTasks) expect(Number(task.TimeoutSeconds)).toBeLessThanOrEqual(900);
    });
  });

  describe('state machine', () => {
    const templateVars = () => String(resource(files, 'aws_sfn_state_machine', 'orchestrator').definition);

    it('is a Standard workflow with logging and tracing, rendered from the shared ASL file', () => {
      const machine = resource(files, 'aws_sfn_state_machine', 'orchestrator');
      expect(machine.type).toBe('STANDARD');
      expect(bodies(machine.tracing_configuration)[0]?.enabled).toBe(true);
      expect(bodies(machine.logging_configuration)[0]?.log_destination).toBe(
        '${aws_cloudwatch_log_group.state_machine.arn}:*',
      );
      expect(templateVars()).toContain('templatefile("${path.module}/../statemachine/orchestrator.asl.json"');
    });

    it('passes exactly the variables the template uses (contract names)', () => {
      const passed = [...templateVars().matchAll(/^\s*([a-z_]+)\s*=/gm)].map((m) => m[1]).sort();
      expect(passed).toEqual([
        'agent_invoker_arn',
        'approval_timeout_seconds',
        'ci_timeout_seconds',
        'github_actions_arn',
        'jira_actions_arn',
        'max_agent_continues',
        'max_fix_attempts',
        'slack_handler_arn',
      ]);
      const text = readFileSync(STATE_MACHINE, 'utf8');
      const used = [...new Set([...text.matchAll(/\$\{([a-z_]+)\}/g)].map((m) => m[1]))];
      expect(used.sort()).toEqual(passed);
      // templatefile() would read these as template syntax, not JSON.
      expect(text.match(/%\{|\$\{(?![a-z_]+\})/g)).toBeNull();
    });

    it('renders to a valid definition whose tasks are allowlisted integrations on the task Lambdas', () => {
      if (!existsSync(STATE_MACHINE))
        throw new Error('infrastructure/statemachine/orchestrator.asl.json is missing');
      const arns = {
        agent_invoker_arn: 'arn:aws:lambda:us-east-1:123456789012:function:ea-agent-invoker',
        slack_handler_arn: 'arn:aws:lambda:us-east-1:123456789012:function:ea-slack-handler',
        github_actions_arn: 'arn:aws:lambda:us-east-1:123456789012:function:ea-github-actions',
        jira_actions_arn: 'arn:aws:lambda:us-east-1:123456789012:function:ea-jira-actions',
      };
      const definition = JSON.parse(
        renderAsl(readFileSync(STATE_MACHINE, 'utf8'), {
          ...arns,
          approval_timeout_seconds: 259200,
          ci_timeout_seconds: 7200,
          max_fix_attempts: 3,
          max_agent_continues: 8,
        }),
      ) as Json;
      const result = aslValidator(definition, { checkPaths: true, checkArn: true });
      expect(result.errorsText('\n')).toBe('');
      expect(result.isValid).toBe(true);

      const tasks: JsonObject[] = [];
      const visit = (node: Json) => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (isObject(node)) {
          if (node.Type === 'Task') tasks.push(node);
          Object.values(node).forEach(visit);
        }
      };
      visit(definition);
      expect(tasks.length).toBeGreaterThan(0);
      const badResources = tasks
        .map((t) => String(t.Resource))
        .filter((r) => !TASK_RESOURCE_ALLOWLIST.has(r));
      expect(badResources).toEqual([]);
      const functionsCalled = new Set(
        tasks.map((t) => {
          const args = objectOf(t.Arguments ?? t.Parameters);
          return String(args.FunctionName ?? args['FunctionName.$']);
        }),
      );
      for (const fn of functionsCalled) expect(Object.values(arns)).toContain(fn);
    });

    it('lets the state machine role invoke exactly those functions', () => {
      const statement = bodies(
        labelled(files, 'data').find(
          (d) => d.type === 'aws_iam_policy_document' && d.name === 'state_machine',
        )?.body.statement,
      ).find((s) => s.sid === 'InvokeTaskLambdas');
      expect(statement?.actions).toEqual(['lambda:InvokeFunction']);
      const granted = /for key in \[([^\]]*)\]/.exec(String(statement?.resources))?.[1] ?? '';
      const grantedKeys = [...granted.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]).sort();
      // Every function ARN the template receives, and nothing else.
      const passedKeys = [...templateVars().matchAll(/^\s*([a-z_]+)_arn\s*=/gm)]
        .map((m) => (m[1] ?? '').replaceAll('_', '-'))
        .sort();
      expect(grantedKeys).toEqual(passedKeys);
      expect(grantedKeys.length).toBeGreaterThanOrEqual(3);
    });
  });

  describe('API Gateway', () => {
    it('routes the five webhook and Slack routes of the seed plus GET /health', () => {
      expect(objectOf(local(files, 'api_routes'))).toEqual({
        'POST /webhooks/jira': 'webhook-handler',
        'POST /webhooks/github': 'webhook-handler',
        'POST /webhooks/sentry': 'webhook-handler',
        'GET /health': 'webhook-handler',
        'POST /slack/commands': 'slack-handler',
        'POST /slack/interactions': 'slack-handler',
      });
    });

    it('has no CORS, and has access logs and throttling', () => {
      expect(resource(files, 'aws_apigatewayv2_api', 'main').cors_configuration).toBeUndefined();
      const stage = resource(files, 'aws_apigatewayv2_stage', 'default');
      expect(bodies(stage.access_log_settings)).toHaveLength(1);
      const routeSettings = bodies(stage.default_route_settings)[0];
      expect(routeSettings?.throttling_rate_limit).toBe('${var.api_throttling_rate_limit}');
      expect(routeSettings?.throttling_burst_limit).toBe('${var.api_throttling_burst_limit}');
    });
  });

  describe('data and events', () => {
    it('declares the table core creates locally: keys, gsi1, TTL, PITR, encryption', () => {
      const table = resource(files, 'aws_dynamodb_table', 'tasks');
      const local = tableDefinition('t');
      const keyOf = (type: string) => local.KeySchema?.find((k) => k.KeyType === type)?.AttributeName;
      expect([table.hash_key, table.range_key]).toEqual([keyOf('HASH'), keyOf('RANGE')]);
      expect(bodies(table.attribute).map((a) => [a.name, a.type])).toEqual(
        local.AttributeDefinitions?.map((a) => [a.AttributeName, a.AttributeType]),
      );
      const gsi = bodies(table.global_secondary_index)[0];
      const localGsi = local.GlobalSecondaryIndexes?.[0];
      expect([gsi?.name, gsi?.hash_key, gsi?.range_key, gsi?.projection_type]).toEqual([
        localGsi?.IndexName,
        localGsi?.KeySchema?.[0]?.AttributeName,
        localGsi?.KeySchema?.[1]?.AttributeName,
        localGsi?.Projection?.ProjectionType,
      ]);
      expect(bodies(table.ttl)[0]).toEqual({ attribute_name: 'ttl', enabled: true });
      expect(bodies(table.point_in_time_recovery)[0]?.enabled).toBe(true);
      expect(bodies(table.server_side_encryption)[0]?.enabled).toBe(true);
    });

    it('routes the TaskRequested events core publishes to the state machine, with retries, DLQ and archive', () => {
      const pattern = String(local(files, 'task_requested_pattern'));
      expect(pattern).toContain(`source        = ["${EVENT_SOURCE}"]`);
      expect(pattern).toContain(`"detail-type" = ["${EventDetailType.TaskRequested}"]`);
      const target = resource(files, 'aws_cloudwatch_event_target', 'orchestrator');
      expect(target.input_path).toBe('$.detail');
      expect(target.arn).toBe('${aws_sfn_state_machine.orchestrator.arn}');
      expect(bodies(target.retry_policy)).toHaveLength(1);
      expect(bodies(target.dead_letter_config)[0]?.arn).toBe('${aws_sqs_queue.events_dlq.arn}');
      expect(resource(files, 'aws_cloudwatch_event_archive', 'tasks').event_source_arn).toBe(
        '${aws_cloudwatch_event_bus.tasks.arn}',
      );
    });

    it('creates the five secrets of the contract, and the anthropic one only for that provider', () => {
      const names = String(local(files, 'secret_names'));
      expect(names).toContain('["github", "jira", "slack", "sentry", "webhooks"]');
      expect(names).toContain('var.model_provider == "anthropic" ? ["anthropic"] : []');
      expect(resource(files, 'aws_secretsmanager_secret', 'this').name).toBe('${local.name}/${each.key}');
    });
  });

  describe('terraform.tfvars.example', () => {
    it('sets every required variable and names only declared ones, commented lines included', async () => {
      const text = readFileSync(
        join(repoRoot, 'infrastructure', 'terraform', 'terraform.tfvars.example'),
        'utf8',
      );
      const variables = declaredNames(files, 'variable');
      const set = Object.keys((await parse('terraform.tfvars', text)) as Record<string, unknown>);
      const required = [...variables].filter(([, body]) => !('default' in body)).map(([name]) => name);
      expect(required.filter((name) => !set.includes(name))).toEqual([]);
      const mentioned = [...text.matchAll(/^#?\s*([a-z][a-z0-9_]*)\s*=/gm)].map((m) => m[1] ?? '');
      expect(mentioned.filter((name) => !variables.has(name))).toEqual([]);
    });
  });

  describe('Bedrock', () => {
    const agents = () => objectOf(local(files, 'agents'));
    const executors = () => objectOf(local(files, 'action_group_executors'));

    it('declares the four agents, each with a model (global inference profiles by default)', () => {
      expect(Object.keys(agents()).sort()).toEqual(['cicd', 'discovery', 'execution', 'planning']);
      const variables = declaredNames(files, 'variable');
      expect(variables.has('model_id')).toBe(false);
      expect(variables.get('agent_models')?.default).toEqual({
        discovery: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
        planning: 'global.anthropic.claude-sonnet-4-6',
        execution: 'global.anthropic.claude-sonnet-4-6',
        cicd: 'global.anthropic.claude-sonnet-4-6',
      });
      expect(variables.get('agent_runtime')?.default).toBe('converse');
      expect(resource(files, 'aws_bedrockagent_agent', 'this').foundation_model).toBe(
        '${var.agent_models[each.key]}',
      );
    });

    it('creates the Agents Classic resources only with agent_runtime = "agents-classic"', () => {
      // agent-runtime.test.ts evaluates these locals per runtime; here: every such
      // resource hangs off them, so a fresh account's converse path has none.
      expect(local(files, 'agents_classic')).toBe('${var.agent_runtime == "agents-classic"}');
      expect(local(files, 'classic_agents')).toBe('${local.agents_classic ? local.agents : {}}');
      const gated: Record<string, string> = {
        'aws_bedrockagent_agent.this': '${local.classic_agents}',
        'aws_bedrockagent_agent_alias.this': '${local.classic_agents}',
        'aws_bedrockagent_agent_action_group.this': '${local.action_groups}',
        'aws_lambda_permission.bedrock': '${local.agent_executor_pairs}',
        'aws_iam_role.bedrock_agent': '${local.agents_classic ? 1 : 0}',
        'aws_iam_role_policy.bedrock_agent': '${local.agents_classic ? 1 : 0}',
        'data.aws_iam_policy_document.bedrock_agent': '${local.agents_classic ? 1 : 0}',
        'data.aws_iam_policy_document.bedrock_agent_assume': '${local.agents_classic ? 1 : 0}',
      };
      const all = [
        ...labelled(files, 'resource').map((r) => ({ key: `${r.type}.${r.name}`, body: r.body })),
        ...labelled(files, 'data').map((d) => ({ key: `data.${d.type}.${d.name}`, body: d.body })),
      ];
      const classic = all.filter(
        ({ key, body }) =>
          key.includes('bedrockagent') ||
          key.includes('bedrock_agent') ||
          JSON.stringify(body).includes('bedrock.amazonaws.com'),
      );
      expect(classic.map(({ key }) => key).sort()).toEqual(Object.keys(gated).sort());
      for (const { key, body } of classic) expect(body.for_each ?? body.count).toBe(gated[key]);
      expect(String(local(files, 'action_groups'))).toContain('for agent, config in local.classic_agents');
      expect(String(local(files, 'agent_executor_pairs'))).toContain('values(local.action_groups)');
      // Outputs and other references must cope with none of them existing.
      const outputs = readFileSync(join(repoRoot, 'infrastructure', 'terraform', 'outputs.tf'), 'utf8');
      expect(outputs).toContain('for agent, alias in aws_bedrockagent_agent_alias.this');
      for (const file of files) {
        expect(file.text).not.toMatch(/aws_iam_role\.bedrock_agent\.(arn|id|name)/);
        expect(file.text).not.toMatch(/aws_bedrockagent_agent(_alias)?\.this\.[a-z_]+/);
      }
    });

    it('attaches only existing schemas, each to the Lambda its name prefix says, and every schema somewhere', () => {
      const schemaFiles = readdirSync(join(repoRoot, 'schemas', 'action-groups'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''));
      const attached = new Set(
        Object.values(agents()).flatMap((agent) => objectOf(agent).action_group_keys as string[]),
      );
      expect([...attached].sort()).toEqual(schemaFiles.sort());
      for (const [schema, executor] of Object.entries(executors())) {
        expect(executor).toBe(`${schema.split('-')[0]}-actions`);
      }
    });

    it('gives the execution agent the GitHub write operations', () => {
      const execution = objectOf(agents().execution).action_group_keys as string[];
      expect(execution).toContain('github-planning');
      const planning = JSON.parse(
        readFileSync(join(repoRoot, 'schemas', 'action-groups', 'github-planning.json'), 'utf8'),
      ) as { paths: Record<string, Record<string, { operationId: string }>> };
      const operations = Object.values(planning.paths).flatMap((methods) =>
        Object.values(methods).map((o) => o.operationId),
      );
      expect(operations.some((op) => /commit|putFile/i.test(op))).toBe(true);
    });

    it('reads each instruction from infrastructure/agents/<agent>.md, within Bedrock limits', () => {
      const agent = resource(files, 'aws_bedrockagent_agent', 'this');
      expect(agent.instruction).toBe('${file("${local.agents_dir}/${each.key}.md")}');
      expect(agent.prepare_agent).toBe(true);
      expect(agent.skip_resource_in_use_check).toBe(true);
      for (const name of Object.keys(agents())) {
        const path = join(repoRoot, 'infrastructure', 'agents', `${name}.md`);
        expect(existsSync(path)).toBe(true);
        const length = readFileSync(path, 'utf8').length;
        // Bedrock CreateAgent: instruction length 40..20000 characters.
        expect(length).toBeGreaterThanOrEqual(40);
        expect(length).toBeLessThanOrEqual(20000);
      }
    });

    it('moves each alias to a new version when the agent, its instruction or its schemas change', () => {
      const alias = resource(files, 'aws_bedrockagent_agent_alias', 'this');
      expect(String(alias.description)).toContain('aws_bedrockagent_agent.this[each.key].prepared_at');
      expect(String(alias.description)).toContain('local.agent_config_hashes[each.key]');
      const hashes = String(local(files, 'agent_config_hashes'));
      expect(hashes).toContain('filesha256("${local.agents_dir}/${agent}.md")');
      expect(hashes).toContain('filesha256("${local.schemas_dir}/${schema}.json")');
    });

    it('lets Bedrock invoke each action-group Lambda only from this account and its agent', () => {
      const permission = resource(files, 'aws_lambda_permission', 'bedrock');
      expect(permission.principal).toBe('bedrock.amazonaws.com');
      expect(permission.source_account).toBe('${local.account_id}');
      expect(String(permission.source_arn)).toContain('.agent_arn');
    });
  });
});
