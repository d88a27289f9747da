import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..');
const build = (outDir: string, pkg: string) =>
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--out', outDir, pkg], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('scripts/build.mjs', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('produces byte-identical zips from the same source', () => {
    const pkg = 'webhook-handler';
    const [a, b] = [mkdtempSync(join(tmpdir(), 'build-a-')), mkdtempSync(join(tmpdir(), 'build-b-'))] as [
      string,
      string,
    ];
    dirs.push(a, b);
    build(a, pkg);
    build(b, pkg);
    const zipA = join(a, `${pkg}.zip`);
    expect(sha256(zipA)).toBe(sha256(join(b, `${pkg}.zip`)));
    // A zip, with the bundle at its root as Lambda's `index.handler` expects.
    const bytes = readFileSync(zipA);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(bytes.includes(Buffer.from('index.js'))).toBe(true);
  }, 120_000);
});
