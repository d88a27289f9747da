// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Terraform expressions, not JS templates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stop } from 'esbuild';
import {
  actionsCalledBy,
  actionsInSource,
  callSitesInSource,
  type LambdaPackage,
  lambdaPackages,
} from './support/lambda-calls';
import {
  allPolicyActions,
  BASELINE_LAMBDA_ACTIONS,
  documentActions,
  policyDocumentName,
} from './support/lambda-policies';
import {
  bodies,
  declaredNames,
  isObject,
  labelled,
  loadTerraform,
  type TfFile,
  terraformDir,
} from './support/terraform-config';

/** Granted minus baseline vs called: what is missing from the role and what the code never calls. */
const compare = (granted: readonly string[], called: ReadonlySet<string>) => ({
  missing: [...called].filter((action) => !granted.includes(action)).sort(),
  unused: [...new Set(granted)].filter((a) => !BASELINE_LAMBDA_ACTIONS.has(a) && !called.has(a)).sort(),
});

describe('actionsInSource', () => {
  it('maps lib-dynamodb, client and paginator calls to IAM actions', () => {
    const source = `
      import { GetCommand, type PutCommandInput, UpdateCommand as Update, QueryCommand } from '@aws-sdk/lib-dynamodb';
      import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
      import { InvokeCommand } from '@aws-sdk/client-lambda';
      import { InvokeAgentCommand } from '@aws-sdk/client-bedrock-agent-runtime';
      import { paginateScan } from '@aws-sdk/client-dynamodb';
      await client.send(new GetCommand({}));
      await client.send(new Update({}));
      await sfn.send(new SendTaskSuccessCommand({}));
      await lambda.send(new InvokeCommand({}));
      await agents.send(new InvokeAgentCommand({}));
      for await (const page of paginateScan({ client }, {})) {}
    `;
    expect([...actionsInSource(source)].sort()).toEqual([
      'bedrock:InvokeAgent',
      'dynamodb:GetItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
      'lambda:InvokeFunction',
      'states:SendTaskSuccess',
    ]);
  });

  it('records the class method each call is made in', () => {
    const source = [
      "import { SendTaskSuccessCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';",
      'export class Adapter {',
      '  constructor(private readonly client: Client) {}',
      '  async succeed(token: string): Promise<void> {',
      '    await this.client.send(new SendTaskSuccessCommand({ taskToken: token }));',
      '  }',
      '  async stop(arn: string): Promise<void> {',
      '    await this.client.send(new StopExecutionCommand({ executionArn: arn }));',
      '  }',
      '}',
    ].join('\n');
    expect(callSitesInSource(source)).toEqual([
      { action: 'states:SendTaskSuccess', method: 'succeed', className: 'Adapter' },
      { action: 'states:StopExecution', method: 'stop', className: 'Adapter' },
    ]);
  });

  it('maps Converse and ConverseStream to the model actions Bedrock checks', () => {
    const source = `
      import { ConverseStreamCommand, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
      await runtime.send(new ConverseStreamCommand({}));
      await runtime.send(new ConverseCommand({}));
    `;
    expect([...actionsInSource(source)].sort()).toEqual([
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
    ]);
  });

  it('ignores commands that are imported but never constructed', () => {
    expect(actionsInSource(`import { DeleteCommand } from '@aws-sdk/lib-dynamodb';`).size).toBe(0);
  });
});

describe('Lambda roles against the AWS calls in their code', () => {
  let files: TfFile[];
  const packages: LambdaPackage[] = lambdaPackages();
  const calledCache = new Map<string, Promise<Map<string, string[]>>>();
  const called = (pkg: LambdaPackage) => {
    const cached = calledCache.get(pkg.name) ?? actionsCalledBy(pkg);
    calledCache.set(pkg.name, cached);
    return cached;
  };

  beforeAll(async () => {
    files = await loadTerraform();
  });

  afterAll(async () => {
    await stop();
  });

  it('wires every role to the policy document named after its function', () => {
    const documents = declaredNames(files, 'locals').get('lambda_policy_documents')?.value;
    const expected = Object.fromEntries(
      packages.map((pkg) => [
        pkg.name,
        `\${data.aws_iam_policy_document.${policyDocumentName(pkg.name)}.json}`,
      ]),
    );
    expect(documents).toEqual(expected);
    const rolePolicy = labelled(files, 'resource').find(
      (r) => r.type === 'aws_iam_role_policy' && r.name === 'lambda',
    );
    expect(rolePolicy?.body.policy).toBe('${local.lambda_policy_documents[each.key]}');
  });

  it('gives the shared base document only the log-group and X-Ray actions', () => {
    expect(new Set(documentActions(files, 'lambda_base'))).toEqual(BASELINE_LAMBDA_ACTIONS);
  });

  it.each(packages.map((pkg) => [pkg.name, pkg] as const))(
    '%s: its role allows exactly what its code calls',
    async (_name, pkg) => {
      const granted = documentActions(files, policyDocumentName(pkg.name));
      expect(granted).toBeDefined();
      const calls = await called(pkg);
      const result = compare(granted ?? [], new Set(calls.keys()));
      if (result.missing.length > 0 || result.unused.length > 0) {
        console.error(
          `${pkg.name}: calls ${JSON.stringify(Object.fromEntries(calls), null, 1)}\ngranted ${JSON.stringify(granted)}`,
        );
      }
      expect(result).toEqual({ missing: [], unused: [] });
    },
    120_000,
  );

  it('reports a planted missing action and a planted unused one', async () => {
    const iam = readFileSync(join(terraformDir, 'iam.tf'), 'utf8');
    for (const pkg of packages) {
      const calls = new Set((await called(pkg)).keys());
      const victim = [...calls][0];
      if (victim === undefined) continue;
      // Swap one called action for one nobody calls, inside this function's document only.
      const header = `data "aws_iam_policy_document" "${policyDocumentName(pkg.name)}" {`;
      const from = iam.indexOf(header);
      const to = iam.indexOf('\n}\n', from);
      const block = iam.slice(from, to).replace(`"${victim}"`, '"sqs:PurgeQueue"');
      const planted = iam.slice(0, from) + block + iam.slice(to);
      expect(planted).not.toBe(iam);
      const plantedFiles = await loadTerraform(terraformDir, { file: 'iam.tf', text: planted });
      const result = compare(documentActions(plantedFiles, policyDocumentName(pkg.name)) ?? [], calls);
      expect(result.missing).toContain(victim);
      expect(result.unused).toContain('sqs:PurgeQueue');
      return;
    }
    throw new Error('no Lambda package calls any AWS API: nothing to plant against');
  }, 60_000);

  it('gives agent-invoker per runtime only what that runtime calls (agent-runtime.test.ts evaluates the values)', () => {
    const document = labelled(files, 'data').find(
      (d) => d.type === 'aws_iam_policy_document' && d.name === 'agent_invoker',
    );
    expect(bodies(document?.body.statement).map((s) => s.sid)).toEqual(['Table']);
    const dynamics = bodies(isObject(document?.body.dynamic) ? document?.body.dynamic.statement : undefined);
    const summary = dynamics.map((d) => {
      const content = bodies(d.content)[0] ?? {};
      return { for_each: d.for_each, actions: content.actions, resources: content.resources };
    });
    expect(summary).toEqual([
      {
        for_each: '${local.agents_classic ? ["InvokeAgents"] : []}',
        actions: ['bedrock:InvokeAgent'],
        resources: '${[for alias in aws_bedrockagent_agent_alias.this : alias.agent_alias_arn]}',
      },
      {
        for_each: '${local.converse_model_statements}',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: '${statement.value.resources}',
      },
      {
        for_each: '${local.agents_classic ? [] : ["InvokeActionGroups"]}',
        actions: ['lambda:InvokeFunction'],
        resources: '${local.action_group_function_arns}',
      },
      {
        for_each: '${local.uses_anthropic ? ["AnthropicSecret"] : []}',
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['${aws_secretsmanager_secret.this["anthropic"].arn}'],
      },
    ]);
    // The model statements carry their conditions (aws:RequestedRegion, bedrock:InferenceProfileArn).
    const modelContent = bodies(dynamics[1]?.content)[0];
    const condition = bodies(isObject(modelContent?.dynamic) ? modelContent.dynamic.condition : undefined)[0];
    expect(condition?.for_each).toBe('${statement.value.conditions}');
    expect(bodies(condition?.content)[0]).toEqual({
      test: '${condition.value.test}',
      variable: '${condition.value.variable}',
      values: '${condition.value.values}',
    });
    expect(declaredNames(files, 'locals').get('converse_model_statements')?.value).toBe(
      '${local.uses_bedrock ? local.bedrock_model_statements : []}',
    );
  });

  it('grants no wildcard action anywhere', () => {
    const actions = allPolicyActions(files);
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('explains every "*" resource with a comment just above its statement', () => {
    const unexplained: string[] = [];
    for (const file of files) {
      const lines = file.text.split('\n');
      lines.forEach((line, i) => {
        if (!/\b(resources\s*=\s*\["\*"\]|Resource\s*=\s*"\*")/.test(line)) return;
        // The comment sits above the statement block that contains the line.
        let start = i;
        while (start > 0 && !/^\s*(statement|dynamic "statement")\s*\{/.test(lines[start] ?? '')) start -= 1;
        const above = lines.slice(Math.max(0, start - 3), start).join('\n');
        if (!/#\s*\S/.test(above)) unexplained.push(`${file.name}:${i + 1}`);
      });
    }
    expect(unexplained).toEqual([]);
  });
});
