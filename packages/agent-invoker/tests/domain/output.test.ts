import { describe, expect, it } from '@jest/globals';
import { extractLastJsonObject, OutputValidator } from '../../src/domain/output';

const plan = {
  repo: 'acme/app',
  branch: 'agent/ENG-1-x',
  prNumber: 7,
  prUrl: 'https://github.com/acme/app/pull/7',
  summary: 'do it',
};

describe('extractLastJsonObject', () => {
  it.each([
    ['a bare object', 'Done. {"a":1}', { a: 1 }],
    ['the last of several objects', 'first {"a":1} then {"b":2}', { b: 2 }],
    ['braces inside strings', 'x {"a":"}{ \\"q\\" }"} y', { a: '}{ "q" }' }],
    ['a fenced block over later prose', '```json\n{"a":1}\n```\nthanks {not json}', { a: 1 }],
    ['nested objects as one', 'r: {"a":{"b":{"c":1}}}', { a: { b: { c: 1 } } }],
  ])('finds %s', (_label, text, expected) => {
    expect(extractLastJsonObject(text)).toEqual(expected);
  });

  it.each([
    ['no JSON', 'no json here'],
    ['an array only', '[1,2]'],
    ['broken JSON', '{"a": }'],
  ])('returns undefined for %s', (_label, text) => {
    expect(extractLastJsonObject(text)).toBeUndefined();
  });
});

describe('OutputValidator', () => {
  const validator = new OutputValidator({ branchPrefix: 'agent/', org: 'acme' });

  it('accepts a valid planning result', () => {
    expect(validator.check('planning', JSON.stringify(plan))).toEqual({ ok: true, output: plan });
  });

  it('names the schema problems', () => {
    const check = validator.check('planning', JSON.stringify({ ...plan, prNumber: 'seven', extra: 1 }));
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.problems).toContain('/prNumber must be integer');
      expect(check.problems).toContain('(root) must NOT have additional properties');
    }
  });

  it('rejects branches without the agent prefix, repos outside the org and mismatched PR URLs', () => {
    const check = validator.check(
      'planning',
      JSON.stringify({
        ...plan,
        branch: 'main',
        repo: 'evil/app',
        prUrl: 'https://github.com/acme/app/pull/8',
      }),
    );
    expect(check).toEqual({
      ok: false,
      problems: [
        '/branch must start with agent/',
        '/repo must be inside the acme organization',
        '/prUrl must be the URL of pull request prNumber',
      ],
    });
  });

  it('checks SHAs and discovery ranking', () => {
    expect(validator.check('execution', '{"headSha":"abc","filesChanged":["a"],"summary":"s"}').ok).toBe(
      false,
    );
    expect(
      validator.check(
        'discovery',
        '{"repositories":[{"repo":"other/x","confidence":1,"reason":"r"}],"summary":"s"}',
      ),
    ).toEqual({ ok: false, problems: ['/repositories/0/repo must be inside the acme organization'] });
    expect(validator.check('cicd', 'no answer')).toEqual({
      ok: false,
      problems: ['the reply contains no JSON object'],
    });
  });
});
