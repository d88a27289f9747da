// Derives the AWS API calls a Lambda makes from its code: esbuild bundles the
// package exactly as scripts/build.mjs does, the metafile names the workspace
// source files that contribute bytes to the bundle (tree-shaken), and each of
// those files is scanned for AWS SDK commands it imports and constructs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './terraform-config';

/** IAM action prefix per AWS SDK v3 package. */
const SDK_SERVICES: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-bedrock-agent-runtime': 'bedrock',
  '@aws-sdk/client-bedrock-runtime': 'bedrock',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
};

/** lib-dynamodb commands and the few commands whose IAM action is not the command's name. */
const ACTION_NAMES: Record<string, string> = {
  'dynamodb:Get': 'dynamodb:GetItem',
  'dynamodb:Put': 'dynamodb:PutItem',
  'dynamodb:Update': 'dynamodb:UpdateItem',
  'dynamodb:Delete': 'dynamodb:DeleteItem',
  'dynamodb:BatchGet': 'dynamodb:BatchGetItem',
  'dynamodb:BatchWrite': 'dynamodb:BatchWriteItem',
  'dynamodb:TransactGet': 'dynamodb:TransactGetItems',
  'dynamodb:TransactWrite': 'dynamodb:TransactWriteItems',
  'lambda:Invoke': 'lambda:InvokeFunction',
  'lambda:InvokeAsync': 'lambda:InvokeFunction',
  'lambda:InvokeWithResponseStream': 'lambda:InvokeFunction',
  'bedrock:InvokeAgent': 'bedrock:InvokeAgent',
};

export interface LambdaPackage {
  name: string;
  entry: string;
}

/** Packages whose package.json declares `lambda.entry` (the same rule as scripts/build.mjs). */
export const lambdaPackages = (): LambdaPackage[] =>
  readdirSync(join(repoRoot, 'packages'))
    .map((dir) => ({ dir, manifestPath: join(repoRoot, 'packages', dir, 'package.json') }))
    .filter(({ manifestPath }) => existsSync(manifestPath))
    .map(({ dir, manifestPath }) => ({
      dir,
      manifest: JSON.parse(readFileSync(manifestPath, 'utf8')) as { lambda?: { entry?: string } },
    }))
    .filter(({ manifest }) => manifest.lambda?.entry !== undefined)
    .map(({ dir, manifest }) => ({
      name: dir,
      entry: join(repoRoot, 'packages', dir, manifest.lambda?.entry ?? ''),
    }));

/** The IAM actions the AWS SDK calls in one source file need. */
export const actionsInSource = (source: string): Set<string> => {
  const actions = new Set<string>();
  const importRe = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/[a-z0-9-]+)['"]/g;
  for (const [, specifiers = '', pkg = ''] of source.matchAll(importRe)) {
    const service = SDK_SERVICES[pkg];
    if (service === undefined) continue;
    for (const specifier of specifiers.split(',')) {
      const [imported = '', local = imported] = specifier
        .replace(/^\s*type\s+/, '')
        .trim()
        .split(/\s+as\s+/);
      const commandName = /^([A-Z][A-Za-z0-9]*)Command$/.exec(imported)?.[1];
      const paginated = /^paginate([A-Z][A-Za-z0-9]*)$/.exec(imported)?.[1];
      const operation = commandName ?? paginated;
      if (operation === undefined) continue;
      const used = new RegExp(`(?:new\\s+${local}\\s*\\(|\\b${local}\\s*\\()`).test(source);
      if (!used) continue;
      const action = `${service}:${operation}`;
      actions.add(ACTION_NAMES[action] ?? action);
    }
  }
  return actions;
};

/** Workspace source files that end up in a Lambda's bundle. */
export const bundledSources = async (pkg: LambdaPackage): Promise<string[]> => {
  const result = await build({
    entryPoints: [pkg.entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: join(repoRoot, 'dist', '.iam-check', pkg.name, 'index.js'),
    absWorkingDir: repoRoot,
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (output === undefined) throw new Error(`no bundle output for ${pkg.name}`);
  return Object.entries(output.inputs)
    .filter(
      ([path, input]) =>
        input.bytesInOutput > 0 && path.startsWith('packages/') && !path.includes('node_modules'),
    )
    .map(([path]) => path)
    .sort();
};

/** IAM actions a Lambda package's code calls, each with the files that call it. */
export const actionsCalledBy = async (pkg: LambdaPackage): Promise<Map<string, string[]>> => {
  const calls = new Map<string, string[]>();
  for (const file of await bundledSources(pkg)) {
    for (const action of actionsInSource(readFileSync(join(repoRoot, file), 'utf8'))) {
      calls.set(action, [...(calls.get(action) ?? []), file]);
    }
  }
  return calls;
};
