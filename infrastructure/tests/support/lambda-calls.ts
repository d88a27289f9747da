// Derives the AWS API calls a Lambda makes from its code: esbuild bundles the
// package exactly as scripts/build.mjs does, the metafile names the workspace
// source files that contribute bytes to the bundle (tree-shaken), and each of
// those files is scanned for AWS SDK commands it imports and constructs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
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
  /** The class the method belongs to. */
  className?: string;
}

// A method definition of a class body (two-space indent, the project's format).
const METHOD_DEF =
  /^ {2}(?:(?:public|private|protected|static|async|override|readonly)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\(/;
const CLASS_START = /^(?:export\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/;

/** The enclosing class and method of every line (undefined outside a class). */
const methodPerLine = (lines: readonly string[]): { className?: string; method?: string }[] => {
  let className: string | undefined;
  let method: string | undefined;
  return lines.map((line) => {
    const classMatch = CLASS_START.exec(line);
    if (classMatch !== null) {
      className = classMatch[1];
      method = undefined;
    } else if (className !== undefined && /^\}/.test(line)) {
      className = undefined;
      method = undefined;
    } else if (className !== undefined) {
      const name = METHOD_DEF.exec(line)?.[1];
      if (name === 'constructor') method = undefined;
      else if (name !== undefined) method = name;
    }
    return className === undefined ? {} : { className, ...(method === undefined ? {} : { method }) };
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
        if (!use.test(line)) return;
        const { className, method } = methods[i] ?? {};
        sites.push({ action, method, ...(className === undefined ? {} : { className }) });
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

let program: ts.Program | undefined;

/** One type-checked program over every Lambda entry point, built once per test run. */
const typeProgram = (): ts.Program => {
  program ??= ts.createProgram(
    lambdaPackages().map((pkg) => pkg.entry),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      resolveJsonModule: true,
      types: ['node'],
    },
  );
  return program;
};

/** Method uses resolved by the type checker: `Class#method`, or `?#method` when any class's method could be meant. */
const resolvedCallsIn = (files: readonly string[]): Set<string> => {
  const prog = typeProgram();
  const checker = prog.getTypeChecker();
  const resolved = new Set<string>();
  const visit = (node: ts.Node) => {
    // Every `x.name`, called or not: a method passed as a callback is still called.
    if (ts.isPropertyAccessExpression(node)) {
      const name = node.name.text;
      const symbol = checker.getSymbolAtLocation(node.name);
      const declarations = symbol?.declarations ?? [];
      if (declarations.length === 0) resolved.add(`?#${name}`);
      for (const declaration of declarations) {
        const owner = declaration.parent;
        if (ts.isClassDeclaration(owner) && owner.name !== undefined)
          resolved.add(`${owner.name.text}#${name}`);
        // Through an interface (a port) any class with such a method may be behind it:
        // TypeScript is structural, and classes rarely say `implements`.
        else resolved.add(`?#${name}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) {
    const source = prog.getSourceFile(join(repoRoot, file));
    if (source !== undefined) visit(source);
  }
  return resolved;
};

/**
 * IAM actions a Lambda package's code calls, each with the places that call it.
 * A call inside a class method counts only when the bundle constructs that class
 * (`new Name(`) and the type checker resolves some call in the bundle to that
 * method; a call through an interface (a port) or one the checker cannot resolve
 * counts for every method of that name, since TypeScript typing is structural. So a shared
 * adapter bundled for one method does not grant its others, and a class esbuild
 * kept but nobody constructs grants nothing. Outside classes, calls always count.
 * Every uncertainty errs towards granting more, never towards a missing grant.
 */
export const actionsCalledBy = async (pkg: LambdaPackage): Promise<Map<string, string[]>> => {
  const files = await bundledSources(pkg);
  const sources = files.map((file) => readFileSync(join(repoRoot, file), 'utf8'));
  const everything = sources.join('\n');
  const resolved = resolvedCallsIn(files);
  const isCalled = (className: string, method: string) =>
    resolved.has(`${className}#${method}`) || resolved.has(`?#${method}`);
  const calls = new Map<string, string[]>();
  files.forEach((file, i) => {
    const source = sources[i] ?? '';
    for (const site of callSitesInSource(source)) {
      if (site.className !== undefined) {
        if (!new RegExp(`\\bnew\\s+${site.className}\\s*\\(`).test(everything)) continue;
        if (site.method !== undefined && !isCalled(site.className, site.method)) continue;
      }
      const where = site.method === undefined ? file : `${file} (${site.className}#${site.method})`;
      const known = calls.get(site.action) ?? [];
      if (!known.includes(where)) calls.set(site.action, [...known, where]);
    }
  });
  return calls;
};
