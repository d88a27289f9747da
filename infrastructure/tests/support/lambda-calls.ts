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

/** One AWS SDK call site: the IAM action and the class method it sits in (undefined outside classes). */
export interface CallSite {
  action: string;
  method: string | undefined;
}

// A method definition of a class body (two-space indent, the project's format).
const METHOD_DEF =
  /^ {2}(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\(/;
const CLASS_START = /^(?:export\s+)?(?:abstract\s+)?class\s/;

/** The enclosing class method of every line (undefined outside a class). */
const methodPerLine = (lines: readonly string[]): (string | undefined)[] => {
  let inClass = false;
  let current: string | undefined;
  return lines.map((line) => {
    if (CLASS_START.test(line)) {
      inClass = true;
      current = undefined;
    } else if (inClass && /^\}/.test(line)) {
      inClass = false;
      current = undefined;
    } else if (inClass) {
      const name = METHOD_DEF.exec(line)?.[1];
      if (name !== undefined && name !== 'constructor') current = name;
      else if (name === 'constructor') current = undefined;
    }
    return current;
  });
};

/** The AWS SDK calls in one source file, with the class method each is made in. */
export const callSitesInSource = (source: string): CallSite[] => {
  const sites: CallSite[] = [];
  const lines = source.split('\n');
  const methods = methodPerLine(lines);
  const importRe = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/[a-z0-9-]+)['"]/g;
  for (const [, specifiers = '', pkg = ''] of source.matchAll(importRe)) {
    const service = SDK_SERVICES[pkg];
    if (service === undefined) continue;
    for (const specifier of specifiers.split(',')) {
      const [imported = '', local = imported] = specifier
        .replace(/^\s*type\s+/, '')
        .trim()
        .split(/\s+as\s+/);
      const operation =
        /^([A-Z][A-Za-z0-9]*)Command$/.exec(imported)?.[1] ??
        /^paginate([A-Z][A-Za-z0-9]*)$/.exec(imported)?.[1];
      if (operation === undefined) continue;
      const action = ACTION_NAMES[`${service}:${operation}`] ?? `${service}:${operation}`;
      const use = new RegExp(`(?:new\\s+${local}\\s*\\(|(?<![\\w.])${local}\\s*\\()`);
      lines.forEach((line, i) => {
        if (use.test(line)) sites.push({ action, method: methods[i] });
      });
    }
  }
  return sites;
};

/** The IAM actions the AWS SDK calls in one source file need (file granularity). */
export const actionsInSource = (source: string): Set<string> =>
  new Set(callSitesInSource(source).map((site) => site.action));

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

/**
 * IAM actions a Lambda package's code calls, each with the places that call it.
 * A call inside a class method counts only when some bundled file calls that
 * method (`.name(`): a shared adapter bundled for one method does not grant
 * its others. Outside classes, a bundled file's calls all count.
 */
export const actionsCalledBy = async (pkg: LambdaPackage): Promise<Map<string, string[]>> => {
  const files = await bundledSources(pkg);
  const sources = files.map((file) => readFileSync(join(repoRoot, file), 'utf8'));
  const everything = sources.join('\n');
  const calls = new Map<string, string[]>();
  files.forEach((file, i) => {
    for (const site of callSitesInSource(sources[i] ?? '')) {
      if (site.method !== undefined && !new RegExp(`\\.${site.method}\\s*\\(`).test(everything)) continue;
      const where = site.method === undefined ? file : `${file} (${site.method})`;
      const known = calls.get(site.action) ?? [];
      if (!known.includes(where)) calls.set(site.action, [...known, where]);
    }
  });
  return calls;
};
