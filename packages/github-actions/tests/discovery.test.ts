import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './helpers';

describe('discovery tools against the GitHub fake', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ guardrails: { repoAllowlist: [] } });
    const long = Array.from({ length: 3000 }, (_, i) => `export const line${i} = ${i};`).join('\n');
    h.fake.state.seedRepo({
      fullName: 'acme/app',
      language: 'TypeScript',
      pushedAt: '2024-06-01T00:00:00Z',
      files: {
        'README.md': '# app\n',
        'AGENTS.md': 'Run npm test before pushing.\n',
        '.github/copilot-instructions.md': 'Prefer small functions.\n',
        'src/login.ts': 'export const login = (user: string) => checkPassword(user);\n',
        'src/big.ts': long,
        'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]),
      },
    });
    h.fake.state.seedRepo({
      fullName: 'acme/api',
      language: 'Go',
      pushedAt: '2024-05-01T00:00:00Z',
      files: { 'main.go': 'func checkPassword() {}\n' },
    });
    h.fake.state.seedRepo({ fullName: 'other/secret', files: { 'x.ts': 'checkPassword' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists org repositories with language and recent activity, newest push first', async () => {
    const { status, body } = await h.call('listRepositories', {});
    expect(status).toBe(200);
    const repos = body.repositories as { fullName: string; language: string; pushedAt: string }[];
    expect(repos.map((r) => r.fullName)).toEqual(['acme/app', 'acme/api']);
    expect(repos[0]).toMatchObject({
      language: 'TypeScript',
      pushedAt: '2024-06-01T00:00:00Z',
      defaultBranch: 'main',
    });
  });

  it('follows Link pagination past archived repositories', async () => {
    const fake = h.fake;
    for (let i = 0; i < 35; i += 1) {
      fake.state.seedRepo({
        fullName: `acme/old-${i}`,
        archived: true,
        pushedAt: `2025-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`,
      });
    }
    const { body } = await h.call('listRepositories', { limit: 2 });
    expect((body.repositories as { fullName: string }[]).map((r) => r.fullName)).toEqual([
      'acme/app',
      'acme/api',
    ]);
    expect(fake.requestsTo('GET', '/orgs/acme/repos').some((r) => r.query.page === '2')).toBe(true);
    const withArchived = await h.call('listRepositories', { limit: 3, includeArchived: true });
    expect((withArchived.body.repositories as unknown[]).length).toBe(3);
  });

  it('searches code only inside the org', async () => {
    const { status, body } = await h.call('searchCode', { query: 'checkPassword' });
    expect(status).toBe(200);
    expect(body.query).toBe('checkPassword org:acme');
    const hits = body.hits as { repo: string; path: string }[];
    expect(hits.map((x) => `${x.repo}:${x.path}`).sort()).toEqual([
      'acme/api:main.go',
      'acme/app:src/login.ts',
    ]);
    expect(h.fake.requestsTo('GET', '/search/code').at(-1)?.query.q).toBe('checkPassword org:acme');
  });

  it.each([
    ['checkPassword org:other', 403],
    ['checkPassword user:other', 403],
    ['checkPassword repo:other/secret', 403],
    ['checkPassword repo:nonsense', 400],
  ])('refuses the search %p', async (query, status) => {
    const before = h.fake.requestsTo('GET', '/search/code').length;
    const res = await h.call('searchCode', { query });
    expect(res.status).toBe(status);
    expect(typeof res.body.error).toBe('string');
    expect(h.fake.requestsTo('GET', '/search/code').length).toBe(before);
  });

  it('keeps search hits to the allowlist', async () => {
    const narrow = await startHarness({ guardrails: { repoAllowlist: ['acme/api'] }, fake: h.fake });
    const { body } = await narrow.call('searchCode', { query: 'checkPassword' });
    expect((body.hits as { repo: string }[]).map((x) => x.repo)).toEqual(['acme/api']);
    const refused = await narrow.call('getFile', { repo: 'acme/app', path: 'README.md' });
    expect(refused.status).toBe(403);
    await narrow.dynamo.stop();
  });

  it('lists the tree, optionally under a directory', async () => {
    const all = await h.call('getRepositoryTree', { repo: 'acme/app' });
    expect(all.status).toBe(200);
    expect(all.body.files).toEqual(expect.arrayContaining(['src/login.ts (60 B)', 'README.md (6 B)']));
    const src = await h.call('getRepositoryTree', { repo: 'acme/app', path: 'src' });
    expect((src.body.files as string[]).every((f) => f.startsWith('src/'))).toBe(true);
    expect((await h.call('getRepositoryTree', { repo: 'acme/app', path: 'nope' })).status).toBe(404);
    expect((await h.call('getRepositoryTree', { repo: 'acme/app', ref: 'no-such-branch' })).status).toBe(404);
    expect((await h.call('getRepositoryTree', { repo: 'acme/missing' })).status).toBe(404);
  });

  it('reads a file, capping large ones with a marker and paging by lines', async () => {
    const small = await h.call('getFile', { repo: 'acme/app', path: 'src/login.ts' });
    expect(small.body).toMatchObject({
      content: 'export const login = (user: string) => checkPassword(user);\n',
      totalLines: 2,
    });
    const big = await h.call('getFile', { repo: 'acme/app', path: 'src/big.ts' });
    expect(big.body.truncated).toBe(true);
    expect(big.body.content).toMatch(/\[… truncated: showed 10000 of \d+ characters\]$/);
    expect(big.body.note).toMatch(/continue with startLine=\d+/);
    expect(big.raw.response.responseBody['application/json'].body.length).toBeLessThan(20_000);
    const page = await h.call('getFile', {
      repo: 'acme/app',
      path: 'src/big.ts',
      startLine: 2999,
      endLine: 3000,
    });
    expect(page.body.content).toBe('export const line2998 = 2998;\nexport const line2999 = 2999;');
  });

  it('reads files above the contents API limit through the blob API', async () => {
    h.fake.state.contentsMaxBytes = 10;
    try {
      const res = await h.call('getFile', { repo: 'acme/app', path: 'src/login.ts' });
      expect(res.body.content).toContain('checkPassword');
      expect(h.fake.requestsTo('GET', '/repos/acme/app/git/blobs/').length).toBeGreaterThan(0);
    } finally {
      h.fake.state.contentsMaxBytes = 1_000_000;
    }
  });

  it('answers 4xx the model can act on for bad file requests', async () => {
    expect((await h.call('getFile', { repo: 'acme/app', path: 'nope.ts' })).status).toBe(404);
    const dir = await h.call('getFile', { repo: 'acme/app', path: 'src' });
    expect(dir.status).toBe(400);
    expect(dir.body.error).toMatch(/directory; use getRepositoryTree/);
    expect((await h.call('getFile', { repo: 'acme/app', path: '../../etc/passwd' })).status).toBe(400);
    expect((await h.call('getFile', { repo: 'acme/app', path: 'assets/logo.png' })).body.binary).toBe(true);
    expect((await h.call('getFile', { repo: 'acme/app', path: 'README.md', startLine: 50 })).status).toBe(
      400,
    );
    const missingArg = await h.call('getFile', { repo: 'acme/app' });
    expect(missingArg.status).toBe(400);
    expect(missingArg.body.error).toMatch(/path/);
  });

  it('returns the agent instruction files that exist', async () => {
    const { body } = await h.call('getAgentInstructions', { repo: 'acme/app' });
    expect(body.found).toEqual(['AGENTS.md', '.github/copilot-instructions.md']);
    const none = await h.call('getAgentInstructions', { repo: 'acme/api' });
    expect(none.body.found).toEqual([]);
    expect(none.body.note).toMatch(/no AGENTS.md/);
  });
});
