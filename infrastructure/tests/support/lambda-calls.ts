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

/**
 * lib-dynamodb commands and the few commands whose IAM action is not the command's
 * name. Converse and ConverseStream have no IAM action of their own: Bedrock
 * authorises them as InvokeModel and InvokeModelWithResponseStream; the runtime
 * contract (issue 10) grants InvokeModel with ConverseStream as well.
 */
const ACTION_NAMES: Record<string, string | readonly string[]> = {
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
  'bedrock:Converse': 'bedrock:InvokeModel',
  'bedrock:ConverseStream': ['bedrock:InvokeModelWithResponseStream', 'bedrock:InvokeModel'],
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
      const actions = [ACTION_NAMES[`${service}:${operation}`] ?? `${service}:${operation}`].flat();
      const use = new RegExp(`(?:new\\s+${local}\\s*\\(|(?<![\\w.])${local}\\s*\\()`);
      lines.forEach((line, i) => {
        if (!use.test(line)) return;
        const { className, method } = methods[i] ?? {};
        for (const action of actions)
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
    // As scripts/build.mjs: the agents' instructions are bundled as strings.
    loader: { '.md': 'text' },
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

/** Method uses the type checker resolved, by how precisely it could tell which method is meant. */
interface MethodUses {
  /** `Class#method`: the receiver's type is that class. */
  direct: Set<string>;
  /** method → interfaces (ports) it was called through; any class assignable to one may be behind it. */
  viaInterface: Map<string, ts.Type[]>;
  /** Methods called on something untyped or anonymous: any class's method of that name may be meant. */
  unknown: Set<string>;
  /** `Class#caller` → methods it calls on `this`: used only if the caller is. */
  selfCalls: Map<string, Set<string>>;
}

/** `Class#method` of the class member a node sits in, if any. */
const enclosingMember = (node: ts.Node): string | undefined => {
  for (let current: ts.Node | undefined = node.parent; current !== undefined; current = current.parent) {
    if (
      (ts.isMethodDeclaration(current) || ts.isPropertyDeclaration(current) || ts.isGetAccessor(current)) &&
      ts.isClassDeclaration(current.parent) &&
      current.parent.name !== undefined
    ) {
      return `${current.parent.name.text}#${current.name.getText()}`;
    }
    if (ts.isConstructorDeclaration(current)) return undefined;
  }
  return undefined;
};

const resolvedCallsIn = (files: readonly string[]): MethodUses => {
  const prog = typeProgram();
  const checker = prog.getTypeChecker();
  const uses: MethodUses = {
    direct: new Set(),
    viaInterface: new Map(),
    unknown: new Set(),
    selfCalls: new Map(),
  };
  const visit = (node: ts.Node) => {
    // Every `x.name`, called or not: a method passed as a callback is still called.
    if (ts.isPropertyAccessExpression(node)) {
      const name = node.name.text;
      const declarations = checker.getSymbolAtLocation(node.name)?.declarations ?? [];
      if (declarations.length === 0) uses.unknown.add(name);
      for (const declaration of declarations) {
        const owner = declaration.parent;
        if (ts.isClassDeclaration(owner) && owner.name !== undefined) {
          const member = `${owner.name.text}#${name}`;
          const caller =
            node.expression.kind === ts.SyntaxKind.ThisKeyword ? enclosingMember(node) : undefined;
          if (caller === undefined) uses.direct.add(member);
          else uses.selfCalls.set(caller, (uses.selfCalls.get(caller) ?? new Set()).add(member));
        } else if (ts.isInterfaceDeclaration(owner)) {
          const symbol = checker.getSymbolAtLocation(owner.name);
          if (symbol === undefined) uses.unknown.add(name);
          else
            uses.viaInterface.set(name, [
              ...(uses.viaInterface.get(name) ?? []),
              checker.getDeclaredTypeOfSymbol(symbol),
            ]);
        } else uses.unknown.add(name);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) {
    const source = prog.getSourceFile(join(repoRoot, file));
    if (source !== undefined) visit(source);
  }
  return uses;
};

/** The instance type of a class declared in a bundled file. */
const classType = (file: string, className: string): ts.Type | undefined => {
  const prog = typeProgram();
  const checker = prog.getTypeChecker();
  const source = prog.getSourceFile(join(repoRoot, file));
  const declaration = source?.statements.find(
    (statement): statement is ts.ClassDeclaration =>
      ts.isClassDeclaration(statement) && statement.name?.text === className,
  );
  const symbol = declaration?.name === undefined ? undefined : checker.getSymbolAtLocation(declaration.name);
  return symbol === undefined ? undefined : checker.getDeclaredTypeOfSymbol(symbol);
};

/**
 * IAM actions a Lambda package's code calls, each with the places that call it.
 * A call inside a class method counts only when the bundle constructs that class
 * (`new Name(`) and the type checker resolves some use in the bundle to that
 * method: directly, through an interface (port) the class is assignable to
 * (TypeScript is structural; classes rarely say `implements`), or on an untyped
 * receiver (then any method of that name counts). So a shared
 * adapter bundled for one method does not grant its others, and a class esbuild
 * kept but nobody constructs grants nothing. Outside classes, calls always count.
 * Every uncertainty errs towards granting more, never towards a missing grant.
 */
export const actionsCalledBy = async (pkg: LambdaPackage): Promise<Map<string, string[]>> => {
  const files = await bundledSources(pkg);
  const sources = files.map((file) => readFileSync(join(repoRoot, file), 'utf8'));
  const everything = sources.join('\n');
  const uses = resolvedCallsIn(files);
  const checker = typeProgram().getTypeChecker();
  const usedFromOutside = (file: string, className: string, method: string) => {
    if (uses.direct.has(`${className}#${method}`) || uses.unknown.has(method)) return true;
    const ports = uses.viaInterface.get(method) ?? [];
    if (ports.length === 0) return false;
    const type = classType(file, className);
    // Unknown class type: assume it may be behind the port.
    return type === undefined || ports.some((port) => checker.isTypeAssignableTo(type, port));
  };
  const isCalled = (file: string, className: string, method: string, seen = new Set<string>()): boolean => {
    const key = `${className}#${method}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (usedFromOutside(file, className, method)) return true;
    // A private helper is used when a used method of its class calls it.
    return [...uses.selfCalls].some(
      ([caller, callees]) =>
        callees.has(key) &&
        caller.startsWith(`${className}#`) &&
        isCalled(file, className, caller.slice(className.length + 1), seen),
    );
  };
  const calls = new Map<string, string[]>();
  files.forEach((file, i) => {
    const source = sources[i] ?? '';
    for (const site of callSitesInSource(source)) {
      if (site.className !== undefined) {
        if (!new RegExp(`\\bnew\\s+${site.className}\\s*\\(`).test(everything)) continue;
        if (site.method !== undefined && !isCalled(file, site.className, site.method)) continue;
      }
      const where = site.method === undefined ? file : `${file} (${site.className}#${site.method})`;
      const known = calls.get(site.action) ?? [];
      if (!known.includes(where)) calls.set(site.action, [...known, where]);
    }
  });
  return calls;
};
