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
  declaredNames,
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
