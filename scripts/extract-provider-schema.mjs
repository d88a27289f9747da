#!/usr/bin/env node
// Extracts the argument, block and attribute names of the AWS provider resources
// that infrastructure/terraform uses from the provider schema shipped in the npm
// package @cdktn/provider-aws (its .jsii file), into a small committed JSON. The
// provider binary cannot be downloaded on our machines, so `terraform validate`
// cannot run; infrastructure/tests/terraform-schema.test.ts checks every .tf file
// against this JSON instead. See infrastructure/terraform/README.md ("Offline checks").
//
// Usage:
//   node scripts/extract-provider-schema.mjs                    # npm pack the pinned package, extract
//   node scripts/extract-provider-schema.mjs --jsii path/.jsii  # use an already unpacked .jsii
//   node scripts/extract-provider-schema.mjs aws_sqs_queue ...  # also extract these types
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The package whose schema matches the provider version pinned in versions.tf (aws ~> 6.66). */
export const PROVIDER_PACKAGE = '@cdktn/provider-aws@25.7.0';
const TF_DIR = join(root, 'infrastructure', 'terraform');
const OUT = join(TF_DIR, '.provider-schema', 'aws.json');
const FUNCTIONS_OUT = join(TF_DIR, '.provider-schema', 'terraform-functions.json');

const camelToSnake = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Resource and data source types the configuration declares. */
export const typesUsedIn = (dir) => {
  const resources = new Set();
  const dataSources = new Set();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tf') && !f.endsWith('_override.tf'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(/^\s*(resource|data)\s+"([a-z0-9_]+)"/gm)) {
      (match[1] === 'resource' ? resources : dataSources).add(match[2]);
    }
  }
  return { resources: [...resources].sort(), dataSources: [...dataSources].sort() };
};

const loadJsii = (jsiiPath) => {
  if (jsiiPath !== undefined) return { jsii: JSON.parse(readFileSync(jsiiPath, 'utf8')), cleanup: () => {} };
  const work = mkdtempSync(join(tmpdir(), 'provider-aws-'));
  console.error(`npm pack ${PROVIDER_PACKAGE} (about 46 MB) ...`);
  const tgz = execFileSync('npm', ['pack', PROVIDER_PACKAGE, '--silent'], {
    cwd: work,
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['xzf', tgz, 'package/.jsii'], { cwd: work });
  return {
    jsii: JSON.parse(readFileSync(join(work, 'package', '.jsii'), 'utf8')),
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
};

/** Index of the jsii types by the Terraform type name in their "Represents a ..." summary. */
const indexTerraformTypes = (types) => {
  const index = { resource: new Map(), data: new Map() };
  for (const [fqn, type] of Object.entries(types)) {
    if (type.kind !== 'class') continue;
    const match = /\/docs\/(resources|data-sources)\/[a-z0-9_]+ (aws_[a-z0-9_]+)\}/.exec(
      type.docs?.summary ?? '',
    );
    if (match === null) continue;
    index[match[1] === 'resources' ? 'resource' : 'data'].set(match[2], fqn);
  }
  return index;
};

/** The Terraform name of a property: the doc anchor when there is one (camel→snake is wrong for ~0.2%). */
const tfName = (property) => {
  const docs = `${property.docs?.summary ?? ''} ${property.docs?.remarks ?? ''}`;
  const anchor = /#([a-z0-9_]+) [A-Za-z0-9]+#/.exec(docs);
  return anchor === null ? camelToSnake(property.name) : anchor[1];
};

const structOf = (type) => {
  if (type === undefined) return undefined;
  if (type.fqn !== undefined) return type.fqn;
  if (type.collection !== undefined) return structOf(type.collection.elementtype);
  if (type.union !== undefined) {
    for (const member of type.union.types) {
      const fqn = structOf(member);
      if (fqn !== undefined && !fqn.startsWith('cdktn.')) return fqn;
    }
  }
  return undefined;
};

/** Arguments (name → required) and nested blocks of a Config/struct interface, recursively. */
const blockSchema = (types, fqn, seen = new Set()) => {
  const type = types[fqn];
  const schema = { arguments: {}, blocks: {} };
  if (type === undefined || seen.has(fqn)) return schema;
  seen.add(fqn);
  for (const property of type.properties ?? []) {
    const name = tfName(property);
    const blockMatch = /^([a-z0-9_]+) block\.$/.exec(property.docs?.summary ?? '');
    const struct = structOf(property.type);
    if (blockMatch !== null && struct !== undefined) {
      schema.blocks[blockMatch[1]] = {
        ...blockSchema(types, struct, new Set(seen)),
        required: property.optional !== true,
      };
    } else {
      schema.arguments[name] = property.optional !== true;
    }
  }
  return schema;
};

const resourceSchema = (types, classFqn) => {
  const cls = types[classFqn];
  const config = blockSchema(types, `${classFqn}Config`);
  const byCamel = new Map(
    (types[`${classFqn}Config`]?.properties ?? []).map((property) => [property.name, tfName(property)]),
  );
  const attributes = new Set(['id']);
  for (const property of cls.properties ?? []) {
    if (property.static === true || property.name.endsWith('Input')) continue;
    attributes.add(byCamel.get(property.name) ?? camelToSnake(property.name));
  }
  return { ...config, attributes: [...attributes].sort() };
};

const sortKeys = (value) => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key])]),
    );
  }
  return value;
};

/** Terraform's built-in function names, so the check can catch a misspelt function offline too. */
const writeFunctions = () => {
  let output;
  try {
    output = execFileSync('terraform', ['metadata', 'functions', '-json'], {
      encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
    });
  } catch {
    console.error('terraform not found: keeping the committed terraform-functions.json');
    return;
  }
  const names = Object.keys(JSON.parse(output).function_signatures)
    .filter((name) => !name.includes('::'))
    .sort();
  writeFileSync(
    FUNCTIONS_OUT,
    `${JSON.stringify({ _generated: 'by scripts/extract-provider-schema.mjs from `terraform metadata functions -json`', functions: names }, null, 1)}\n`,
  );
};

const main = () => {
  const args = process.argv.slice(2);
  const jsiiFlag = args.indexOf('--jsii');
  const jsiiPath = jsiiFlag === -1 ? undefined : args[jsiiFlag + 1];
  const extra = args.filter((arg, i) => arg.startsWith('aws_') && i !== jsiiFlag + 1);
  const used = typesUsedIn(TF_DIR);
  const wantedResources = [...new Set([...used.resources, ...extra])].sort();
  const wantedData = used.dataSources;

  const { jsii, cleanup } = loadJsii(jsiiPath);
  try {
    const index = indexTerraformTypes(jsii.types);
    const missing = [
      ...wantedResources.filter((t) => !index.resource.has(t)).map((t) => `resource ${t}`),
      ...wantedData.filter((t) => !index.data.has(t)).map((t) => `data ${t}`),
    ];
    if (missing.length > 0) {
      console.error(`not in ${PROVIDER_PACKAGE}: ${missing.join(', ')} (a typo, or a newer provider type)`);
      process.exit(1);
    }
    const providerVersion =
      /hashicorp\/aws\/([0-9.]+)\//.exec(
        jsii.types[index.resource.get(wantedResources[0])].docs.summary,
      )?.[1] ?? 'unknown';
    const schema = {
      _generated: `by scripts/extract-provider-schema.mjs from ${PROVIDER_PACKAGE}; do not edit`,
      provider: { source: 'hashicorp/aws', version: providerVersion, package: PROVIDER_PACKAGE },
      providerConfig: blockSchema(jsii.types, '@cdktn/provider-aws.provider.AwsProviderConfig'),
      resources: Object.fromEntries(
        wantedResources.map((t) => [t, resourceSchema(jsii.types, index.resource.get(t))]),
      ),
      dataSources: Object.fromEntries(
        wantedData.map((t) => [t, resourceSchema(jsii.types, index.data.get(t))]),
      ),
    };
    writeFileSync(OUT, `${JSON.stringify(sortKeys(schema), null, 1)}\n`);
    writeFunctions();
    console.log(
      `wrote ${OUT.slice(root.length + 1)}: ${wantedResources.length} resources, ${wantedData.length} data sources (aws ${providerVersion})`,
    );
  } finally {
    cleanup();
  }
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
