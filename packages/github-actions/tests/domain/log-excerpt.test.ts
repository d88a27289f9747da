import { describe, expect, it } from '@jest/globals';
import { extractFailure } from '../../src/domain/log-excerpt';

const ts = (line: string) => `2024-05-01T10:00:00.1234567Z ${line}`;

describe('extractFailure', () => {
  it('keeps the failing part, strips timestamps and colours, and lists the errors', () => {
    const noise = Array.from({ length: 500 }, (_, i) =>
      ts(`npm http fetch GET 200 https://registry/pkg-${i}`),
    );
    const log = [
      ts('##[group]Run npm ci'),
      ...noise,
      ts('##[endgroup]'),
      ts('##[group]Run npm test'),
      ts('> jest'),
      ts('\u001b[31mFAIL\u001b[39m src/login.test.ts'),
      ts('  ● login › rejects a bad password'),
      ts('    Expected: 401'),
      ts('    Received: 500'),
      ts('Tests:       1 failed, 12 passed, 13 total'),
      ts('##[error]Process completed with exit code 1.'),
      ts('Post job cleanup.'),
    ].join('\n');
    const out = extractFailure(log, 2000);
    expect(out.errors).toEqual(
      expect.arrayContaining([
        'FAIL src/login.test.ts',
        '##[error]Process completed with exit code 1.',
        'Tests:       1 failed, 12 passed, 13 total',
      ]),
    );
    expect(out.excerpt).toContain('Received: 500');
    expect(out.excerpt).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(out.excerpt).not.toContain('\u001b');
    expect(out.excerpt).toMatch(/^\[… \d+ earlier lines omitted …\]/);
    expect(out.excerpt.length).toBeLessThanOrEqual(2100);
    expect(out.truncated).toBe(true);
    expect(out.totalLines).toBe(510);
  });

  it('returns the tail when nothing looks like an error', () => {
    const log = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const out = extractFailure(log, 800);
    expect(out.errors).toEqual([]);
    expect(out.excerpt).toContain('line 999');
    expect(out.excerpt).not.toContain('line 10\n');
    expect(out.truncated).toBe(true);
  });

  it('returns a short log whole', () => {
    const out = extractFailure('a\nError: boom\nb', 8000);
    expect(out).toEqual({
      errors: ['Error: boom'],
      excerpt: 'a\nError: boom\nb',
      totalLines: 3,
      truncated: false,
    });
  });
});
