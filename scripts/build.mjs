#!/usr/bin/env node
// Bundles every Lambda package (package.json "lambda" field) with esbuild and
// zips it deterministically to dist/<package>.zip: fixed timestamps, fixed modes,
// sorted entries, so the same source gives the same bytes and Terraform's
// source_code_hash only changes when the code does.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import yazl from 'yazl';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXED_TIME = new Date('1980-01-01T00:00:00Z');

/** Lambda packages: those whose package.json declares `lambda.entry`. */
export const lambdaPackages = () =>
  readdirSync(join(root, 'packages'))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => manifest.lambda?.entry !== undefined)
    .map(({ dir, manifest }) => ({ name: dir, entry: join(root, 'packages', dir, manifest.lambda.entry) }));

const listFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();

const zipDir = (dir, out) =>
  new Promise((resolvePromise, reject) => {
    const zip = new yazl.ZipFile();
    for (const file of listFiles(dir)) {
      zip.addBuffer(readFileSync(file), relative(dir, file).split('\\').join('/'), {
        mtime: FIXED_TIME,
        mode: 0o100644,
        compress: true,
      });
    }
    zip.end();
    zip.outputStream.pipe(createWriteStream(out)).on('close', resolvePromise).on('error', reject);
  });

export const bundle = async ({ name, entry }, { outDir = join(root, 'dist', name), minify = true } = {}) => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [entry],
    outfile: join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // ESM entry points of the AWS SDK tree-shake about 40% smaller and load faster.
    mainFields: ['module', 'main'],
    // The agents' instructions (infrastructure/agents/*.md) are bundled as strings.
    loader: { '.md': 'text' },
    minify,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // Keep esbuild from embedding absolute paths that differ between machines.
    absWorkingDir: root,
  });
  return result;
};

const main = async () => {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const dist = outIndex === -1 ? join(root, 'dist') : resolve(args[outIndex + 1] ?? 'dist');
  const only = args.filter((_, i) => outIndex === -1 || (i !== outIndex && i !== outIndex + 1));
  mkdirSync(dist, { recursive: true });
  const packages = lambdaPackages().filter((p) => only.length === 0 || only.includes(p.name));
  for (const pkg of packages) {
    await bundle(pkg, { outDir: join(dist, pkg.name) });
    const zipPath = join(dist, `${pkg.name}.zip`);
    await zipDir(join(dist, pkg.name), zipPath);
    const hash = createHash('sha256').update(readFileSync(zipPath)).digest('base64');
    const size = readFileSync(zipPath).length;
    console.log(`dist/${pkg.name}.zip  ${(size / 1024).toFixed(0)} KiB  sha256=${hash}`);
  }
  if (packages.length === 0) console.log('no Lambda packages found');
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
