#!/usr/bin/env node
// Writes infrastructure/statemachine/orchestrator.asl.json from its typed source,
// infrastructure/statemachine/src/orchestrator.ts (bundled with esbuild, as
// scripts/local.mjs does: no TypeScript runner needed).
//   node scripts/generate-statemachine.mjs          write the file
//   node scripts/generate-statemachine.mjs --check  exit 1 when the committed file differs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'infrastructure', 'statemachine', 'src', 'orchestrator.ts');
const target = join(root, 'infrastructure', 'statemachine', 'orchestrator.asl.json');

const args = process.argv.slice(2);
const check = args.includes('--check');
if (args.some((arg) => arg !== '--check')) {
  console.error('usage: node scripts/generate-statemachine.mjs [--check]');
  process.exit(2);
}

const bundled = await build({
  entryPoints: [source],
  bundle: true,
  write: false,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
});
const code = bundled.outputFiles[0].text;
const { orchestratorJson } = await import(
  `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
);
const generated = orchestratorJson();

const name = relative(root, target);
if (check) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // A missing file differs.
  }
  if (committed !== generated) {
    console.error(`${name} is out of date: run npm run generate:statemachine`);
    process.exit(1);
  }
  console.log(`${name} is up to date`);
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${name} (${generated.split('\n').length - 1} lines)`);
}
