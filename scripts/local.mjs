#!/usr/bin/env node
// Runs a command of the local stack (packages/local/src/cli/<name>.ts): bundles it
// with esbuild (already a build dependency; no TypeScript runner needed) and runs it.
import { spawn } from 'node:child_process';
import { renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
if (name !== 'dev' && name !== 'demo') {
  console.error('usage: node scripts/local.mjs <dev|demo>');
  process.exit(2);
}
const outfile = join(root, 'packages', 'local', 'dist', `${name}.mjs`);
// Built next to the target and renamed over it: two stacks starting at once (tests) never
// run a half-written bundle.
const building = `${outfile}.${process.pid}.tmp`;
await build({
  entryPoints: [join(root, 'packages', 'local', 'src', 'cli', `${name}.ts`)],
  outfile: building,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  mainFields: ['module', 'main'],
  loader: { '.md': 'text' },
  keepNames: true,
  // Native addons (dynalite's leveldb) load from node_modules, not from the bundle.
  external: ['dynalite'],
  sourcemap: 'inline',
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle need require().
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
renameSync(building, outfile);
const child = spawn(process.execPath, ['--enable-source-maps', outfile, ...process.argv.slice(3)], {
  stdio: 'inherit',
  env: {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...process.env,
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
