import { ActionError } from '@enterprise-agents/core/bedrock';
import { describe, expect, it } from '@jest/globals';
import { checkAgentBranch, checkRepo, checkWritablePath, globToRegExp } from '../../src/domain/guardrails';
import { guardrails } from '../helpers';

const refusal = (fn: () => unknown): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof ActionError) return error.statusCode;
    throw error;
  }
};

describe('checkRepo', () => {
  it('accepts repositories of the org, case-insensitively', () => {
    expect(checkRepo(guardrails(), 'acme/app').fullName).toBe('acme/app');
    expect(checkRepo(guardrails(), 'ACME/app').name).toBe('app');
  });

  it.each([
    ['other/app', 403],
    ['acme-evil/app', 403],
    ['acme/../other', 400],
    ['acme/app/extra', 400],
    ['acme', 400],
    ['acme/..', 400],
    ['/acme/app', 400],
    ['acme/app?x=1', 400],
    ['', 400],
  ])('refuses %p with %p', (repo, status) => {
    expect(refusal(() => checkRepo(guardrails(), repo))).toBe(status);
  });

  it('applies the allowlist when set', () => {
    const g = guardrails({ repoAllowlist: ['acme/app'] });
    expect(checkRepo(g, 'acme/APP').fullName).toBe('acme/APP');
    expect(refusal(() => checkRepo(g, 'acme/other'))).toBe(403);
  });
});

describe('checkAgentBranch', () => {
  it('accepts agent branches', () => {
    expect(checkAgentBranch(guardrails(), 'agent/PROJ-1-login')).toBe('agent/PROJ-1-login');
  });

  it.each([
    ['main', 403],
    ['agent/', 403],
    ['Agent/x', 403],
    ['refs/heads/agent/x', 403],
    [' agent/x', 403],
    ['agent/../main', 400],
    ['agent/x..y', 400],
    ['agent/x y', 400],
    ['agent/x~1', 400],
    ['agent/x^', 400],
    ['agent/x:main', 400],
    ['agent/x.lock', 400],
    ['agent/.hidden', 400],
    ['agent//x', 400],
    ['agent/x/', 400],
    ['agent/x@{1}', 400],
    ['agent/x\\y', 400],
    ['agent/x\u0000', 400],
  ])('refuses %p with %p', (branch, status) => {
    expect(refusal(() => checkAgentBranch(guardrails(), branch))).toBe(status);
  });
});

describe('checkWritablePath', () => {
  it('accepts ordinary paths', () => {
    expect(checkWritablePath(guardrails(), 'src/app.ts')).toBe('src/app.ts');
    expect(checkWritablePath(guardrails(), '.github/CODEOWNERS')).toBe('.github/CODEOWNERS');
    expect(checkWritablePath(guardrails(), 'docs/workflows.md')).toBe('docs/workflows.md');
  });

  it.each([
    ['.github/workflows/ci.yml', 403],
    ['.github/workflows', 403],
    ['.github/workflows/nested/deep.yaml', 403],
    ['.GitHub/Workflows/ci.yml', 403],
    ['.GITHUB/WORKFLOWS/CI.YML', 403],
    ['./.github/workflows/x.yml', 400],
    ['src/../.github/workflows/x.yml', 400],
    ['../outside.txt', 400],
    ['src/./a.ts', 400],
    ['/etc/passwd', 400],
    ['C:/windows/x', 400],
    ['.github\\workflows\\x.yml', 400],
    ['src//a.ts', 400],
    ['src/', 400],
    ['.git/config', 400],
    ['sub/.GIT/hooks/pre-commit', 400],
    ['src/a\u0000.ts', 400],
    ['src/a\n.ts', 400],
    [' .github/workflows/x.yml', 400],
    ['', 400],
  ])('refuses %p with %p', (path, status) => {
    expect(refusal(() => checkWritablePath(guardrails(), path))).toBe(status);
  });

  it('honours configured globs', () => {
    const g = guardrails({
      protectedPaths: ['.github/workflows/**', 'infra/**/*.tf', 'secrets.*', 'CODEOWNERS'],
    });
    expect(refusal(() => checkWritablePath(g, 'infra/prod/main.tf'))).toBe(403);
    expect(refusal(() => checkWritablePath(g, 'infra/main.tf'))).toBe(403);
    expect(refusal(() => checkWritablePath(g, 'secrets.json'))).toBe(403);
    expect(refusal(() => checkWritablePath(g, 'CODEOWNERS'))).toBe(403);
    expect(checkWritablePath(g, 'infra/README.md')).toBe('infra/README.md');
    expect(checkWritablePath(g, 'docs/CODEOWNERS.md')).toBe('docs/CODEOWNERS.md');
  });
});

describe('globToRegExp', () => {
  it('maps * within a segment and ** across segments', () => {
    expect(globToRegExp('src/*.ts').test('src/a.ts')).toBe(true);
    expect(globToRegExp('src/*.ts').test('src/x/a.ts')).toBe(false);
    expect(globToRegExp('**/*.pem').test('a/b/key.pem')).toBe(true);
    expect(globToRegExp('**/*.pem').test('key.pem')).toBe(true);
  });
});
