import type { TimelineEvent } from '@enterprise-agents/core/domain';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './helpers';

describe('write tools and their guardrails against the GitHub fake', () => {
  let h: Harness;
  const events = async (taskId = 'task-1'): Promise<TimelineEvent[]> => h.timeline.list(taskId);
  const noWrites = () =>
    h.fake.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/app/')).length;

  beforeAll(async () => {
    h = await startHarness();
    h.fake.state.seedRepo({
      fullName: 'acme/app',
      files: {
        'README.md': '# app\n',
        'src/a.ts': 'export const a = 1;\n',
        '.github/workflows/ci.yml': 'on: push\n',
      },
    });
    // A repository whose default branch itself carries the agent prefix.
    h.fake.state.seedRepo({ fullName: 'acme/tricky', defaultBranch: 'agent/main', files: { 'x.md': 'x' } });
    h.fake.state.seedRepo({ fullName: 'acme/frozen', archived: true });
  });
  afterAll(async () => {
    await h.close();
  });

  describe('createBranch', () => {
    it('creates an agent branch from the default branch and records it', async () => {
      const { status, body } = await h.call('createBranch', {
        repo: 'acme/app',
        branch: 'agent/PROJ-1-login',
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({ created: true, sha: h.fake.state.headOf('acme/app', 'main') });
      expect(h.fake.state.headOf('acme/app', 'agent/PROJ-1-login')).toBe(
        h.fake.state.headOf('acme/app', 'main'),
      );
      const logged = (await events()).filter((e) => e.type === 'github.write');
      expect(logged.at(-1)?.data).toMatchObject({
        operation: 'createBranch',
        branch: 'agent/PROJ-1-login',
        repo: 'acme/app',
      });
    });

    it('returns an existing branch unchanged on retry, without a second timeline entry', async () => {
      const before = (await events()).length;
      const { status, body } = await h.call('createBranch', {
        repo: 'acme/app',
        branch: 'agent/PROJ-1-login',
      });
      expect(status).toBe(200);
      expect(body.created).toBe(false);
      expect((await events()).length).toBe(before);
    });

    it.each([
      [{ repo: 'acme/app', branch: 'main' }, 403, /agent\//],
      [{ repo: 'acme/app', branch: 'feature/x' }, 403, /agent\//],
      [{ repo: 'acme/app', branch: 'agent/../main' }, 400, /not a valid branch/],
      [{ repo: 'other/app', branch: 'agent/x' }, 403, /acme organisation/],
      [{ repo: 'acme/tricky', branch: 'agent/main' }, 403, /default branch/],
      [{ repo: 'acme/frozen', branch: 'agent/x' }, 403, /archived/],
      [{ repo: 'acme/app', branch: 'agent/x', fromRef: 'nope' }, 404, /fromRef/],
      [{ repo: 'acme/nope', branch: 'agent/x' }, 404, /not found/],
    ])('refuses %p with %p', async (args, status, message) => {
      const writes = noWrites();
      const res = await h.call('createBranch', args);
      expect(res.status).toBe(status);
      expect(res.body.error).toMatch(message);
      expect(noWrites()).toBe(writes);
    });

    it('refuses writes outside a task session', async () => {
      const res = await h.call('createBranch', { repo: 'acme/app', branch: 'agent/no-task' }, {});
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/taskId/);
      expect(h.fake.state.headOf('acme/app', 'agent/no-task')).toBeUndefined();
    });
  });

  describe('commitFiles', () => {
    const branch = 'agent/PROJ-1-login';

    it('commits several files in one commit on top of the branch head', async () => {
      const parent = h.fake.state.headOf('acme/app', branch) as string;
      const res = await h.call('commitFiles', {
        repo: 'acme/app',
        branch,
        message: 'Add login',
        files: [
          { path: 'src/login.ts', content: 'export const login = () => true;\n' },
          { path: 'src/a.ts', content: 'export const a = 2;\n' },
          { path: 'tests/login.test.ts', content: 'test("x", () => {});\n' },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ changed: true, parentSha: parent });
      const head = h.fake.state.headOf('acme/app', branch);
      expect(head).toBe(res.body.commitSha);
      expect(h.fake.state.history('acme/app', branch)[1]).toBe(parent);
      const files = h.fake.state.filesAt('acme/app', branch);
      expect(files.get('src/login.ts')).toBe('export const login = () => true;\n');
      expect(files.get('src/a.ts')).toBe('export const a = 2;\n');
      expect(files.get('README.md')).toBe('# app\n');
      expect(h.fake.state.headOf('acme/app', 'main')).not.toBe(head);
      const logged = (await events()).filter((e) => e.data?.operation === 'commitFiles');
      expect(logged.at(-1)?.data).toMatchObject({
        sha: head,
        paths: ['src/login.ts', 'src/a.ts', 'tests/login.test.ts'],
      });
    });

    it('makes no empty commit when retried with the same content', async () => {
      const head = h.fake.state.headOf('acme/app', branch);
      const res = await h.call('commitFiles', {
        repo: 'acme/app',
        branch,
        message: 'Add login',
        files: [{ path: 'src/login.ts', content: 'export const login = () => true;\n' }],
      });
      expect(res.body).toMatchObject({ changed: false, commitSha: head });
      expect(h.fake.state.headOf('acme/app', branch)).toBe(head);
    });

    it('refuses when expectedHeadSha is stale', async () => {
      const res = await h.call('commitFiles', {
        repo: 'acme/app',
        branch,
        message: 'x',
        files: [{ path: 'x.txt', content: 'x' }],
        expectedHeadSha: 'a'.repeat(40),
      });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatch(/moved/);
    });

    it.each([
      ['.github/workflows/ci.yml', 403],
      ['.github/workflows/new.yml', 403],
      ['.GitHub/Workflows/evil.yml', 403],
      ['./.github/workflows/x.yml', 400],
      ['src/../.github/workflows/x.yml', 400],
      ['../escape.txt', 400],
      ['/abs/path.txt', 400],
      ['.git/hooks/post-checkout', 400],
      ['src\\..\\x.ts', 400],
    ])('refuses the path %p with %p and writes nothing', async (path, status) => {
      const head = h.fake.state.headOf('acme/app', branch);
      const writes = noWrites();
      const res = await h.call('commitFiles', {
        repo: 'acme/app',
        branch,
        message: 'sneaky',
        files: [
          { path: 'src/ok.ts', content: 'ok' },
          { path, content: 'on: push\njobs: {}\n' },
        ],
      });
      expect(res.status).toBe(status);
      expect(h.fake.state.headOf('acme/app', branch)).toBe(head);
      expect(noWrites()).toBe(writes);
    });

    it.each([
      [{ branch: 'main' }, 403],
      [{ branch: 'agent/missing' }, 404],
      [{ files: [] }, 400],
      [{ files: Array.from({ length: 6 }, (_, i) => ({ path: `f${i}.txt`, content: 'x' })) }, 413],
      [{ files: [{ path: 'big.txt', content: 'x'.repeat(2_001) }] }, 413],
      [
        {
          files: [
            { path: 'a.txt', content: '1' },
            { path: 'A.txt', content: '2' },
          ],
        },
        400,
      ],
      [{ message: '   ' }, 400],
      [{ files: '[{path=a.txt, content=x}]' }, 400],
    ])('refuses %p with %p', async (override, status) => {
      const res = await h.call('commitFiles', {
        repo: 'acme/app',
        branch,
        message: 'm',
        files: [{ path: 'ok.txt', content: 'ok' }],
        ...override,
      });
      expect(res.status).toBe(status);
      expect(typeof res.body.error).toBe('string');
    });

    it('rebuilds on a head that moved meanwhile (fast-forward only, nothing lost)', async () => {
      const fake = h.fake;
      let pushed: string | undefined;
      // A developer pushes between our read of the head and our ref update.
      const remove = fake.beforeRequest((req) => {
        if (pushed === undefined && req.method === 'PATCH' && req.path.includes('/git/refs/')) {
          pushed = fake.state.pushCommit('acme/app', branch, { 'other.txt': 'other' }, 'developer push');
        }
      });
      try {
        const mine = await h.call('commitFiles', {
          repo: 'acme/app',
          branch,
          message: 'mine',
          files: [{ path: 'mine.txt', content: 'mine' }],
        });
        expect(mine.status).toBe(200);
        expect(mine.body.parentSha).toBe(pushed);
        const files = fake.state.filesAt('acme/app', branch);
        expect(files.get('other.txt')).toBe('other');
        expect(files.get('mine.txt')).toBe('mine');
        const patches = fake.requestsTo('PATCH', '/repos/acme/app/git/refs/');
        expect(patches.map((r) => r.status).slice(-2)).toEqual([422, 200]);
        expect(patches.every((r) => (r.body as { force?: boolean }).force === false)).toBe(true);
      } finally {
        remove();
      }
    });

    it('gives up with 409 when the head keeps moving', async () => {
      const fake = h.fake;
      const remove = fake.beforeRequest((req) => {
        if (req.method === 'PATCH' && req.path.includes('/git/refs/')) {
          fake.state.pushCommit('acme/app', branch, { 'busy.txt': String(Math.random()) });
        }
      });
      try {
        const res = await h.call('commitFiles', {
          repo: 'acme/app',
          branch,
          message: 'm',
          files: [{ path: 'z.txt', content: 'z' }],
        });
        expect(res.status).toBe(409);
        expect(fake.state.filesAt('acme/app', branch).has('z.txt')).toBe(false);
      } finally {
        remove();
      }
    });
  });

  describe('putFile', () => {
    it('creates then updates one file, skipping identical content', async () => {
      const branch = 'agent/PROJ-1-login';
      const created = await h.call('putFile', {
        repo: 'acme/app',
        branch,
        path: 'PLAN.md',
        content: '# Plan\n',
        message: 'Add plan',
      });
      expect(created.body).toMatchObject({ changed: true, created: true });
      const updated = await h.call('putFile', {
        repo: 'acme/app',
        branch,
        path: 'PLAN.md',
        content: '# Plan v2\n',
        message: 'Update plan',
      });
      expect(updated.body).toMatchObject({ changed: true, created: false });
      expect(h.fake.state.filesAt('acme/app', branch).get('PLAN.md')).toBe('# Plan v2\n');
      const same = await h.call('putFile', {
        repo: 'acme/app',
        branch,
        path: 'PLAN.md',
        content: '# Plan v2\n',
        message: 'again',
      });
      expect(same.body.changed).toBe(false);
      expect(
        (
          await h.call('putFile', {
            repo: 'acme/app',
            branch,
            path: '.github/workflows/ci.yml',
            content: 'x',
            message: 'x',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await h.call('putFile', {
            repo: 'acme/app',
            branch: 'main',
            path: 'PLAN.md',
            content: 'x',
            message: 'x',
          })
        ).status,
      ).toBe(403);
    });
  });

  describe('pull requests', () => {
    it('always opens drafts, and returns the open one on retry', async () => {
      const first = await h.call('createDraftPullRequest', {
        repo: 'acme/app',
        head: 'agent/PROJ-1-login',
        title: 'PROJ-1 Login',
        body: 'Plan inside',
        draft: 'false',
      });
      // `draft` is not in the schema: the adapter refuses unknown arguments.
      expect(first.status).toBe(400);
      const res = await h.call('createDraftPullRequest', {
        repo: 'acme/app',
        head: 'agent/PROJ-1-login',
        title: 'PROJ-1 Login',
        body: 'Plan inside',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: true, draft: true, base: 'main', number: 1 });
      expect(h.fake.requestsTo('POST', '/repos/acme/app/pulls')[0]?.body).toMatchObject({ draft: true });
      const again = await h.call('createDraftPullRequest', {
        repo: 'acme/app',
        head: 'agent/PROJ-1-login',
        title: 'PROJ-1 Login',
        body: 'Plan inside',
      });
      expect(again.body).toMatchObject({ created: false, number: 1 });
      expect(h.fake.state.pulls.length).toBe(1);
      const logged = (await events()).filter((e) => e.data?.operation === 'createDraftPullRequest');
      expect(logged.length).toBe(1);
    });

    it.each([
      [{ head: 'main' }, 403],
      [{ head: 'agent/PROJ-1-login', base: 'release' }, 403],
      [{ head: 'agent/PROJ-1-login', base: 'agent/PROJ-1-login' }, 400],
    ])('refuses %p', async (override, status) => {
      const res = await h.call('createDraftPullRequest', {
        repo: 'acme/app',
        title: 't',
        body: 'b',
        ...override,
      });
      expect(res.status).toBe(status);
    });

    it('passes GitHub refusals on as 409 with its message', async () => {
      await h.call('createBranch', { repo: 'acme/app', branch: 'agent/empty' });
      const res = await h.call('createDraftPullRequest', {
        repo: 'acme/app',
        head: 'agent/empty',
        title: 't',
        body: 'b',
      });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatch(/No commits between main and agent\/empty/);
    });

    it('comments on agent PRs only, once per text', async () => {
      const res = await h.call('commentOnPullRequest', {
        repo: 'acme/app',
        pullNumber: 1,
        body: 'Plan ready for review',
      });
      expect(res.body.created).toBe(true);
      const again = await h.call('commentOnPullRequest', {
        repo: 'acme/app',
        pullNumber: '1',
        body: 'Plan ready for review',
      });
      expect(again.body).toMatchObject({ created: false, commentId: res.body.commentId });
      expect(h.fake.state.comments.length).toBe(1);
      h.fake.state
        .repo('acme/app')
        ?.refs.set('heads/feature/human', h.fake.state.headOf('acme/app', 'agent/PROJ-1-login') as string);
      h.fake.state.pulls.push({
        id: 1,
        number: 2,
        repo: 'acme/app',
        title: 'human',
        body: null,
        head: 'feature/human',
        base: 'main',
        draft: false,
        state: 'open',
        merged: false,
        user: 'dev',
        createdAt: '',
      });
      expect(
        (await h.call('commentOnPullRequest', { repo: 'acme/app', pullNumber: 2, body: 'hi' })).status,
      ).toBe(403);
      expect(
        (await h.call('commentOnPullRequest', { repo: 'acme/app', pullNumber: 99, body: 'hi' })).status,
      ).toBe(404);
      expect(
        (await h.call('commentOnPullRequest', { repo: 'acme/app', pullNumber: 'one', body: 'hi' })).status,
      ).toBe(400);
    });

    it('reports PR status, head SHA and CI state', async () => {
      const headSha = h.fake.state.headOf('acme/app', 'agent/PROJ-1-login') as string;
      h.fake.state.addWorkflowRun({ repo: 'acme/app', headSha, status: 'in_progress' });
      const res = await h.call('getPullRequestStatus', { repo: 'acme/app', pullNumber: 1 });
      expect(res.body).toMatchObject({
        number: 1,
        draft: true,
        headSha,
        head: 'agent/PROJ-1-login',
        ci: { state: 'pending' },
      });
    });
  });

  it('exposes no merge, approve or delete operation, and never calls one', async () => {
    expect(
      h.fake.requests.some(
        (r) => r.method === 'DELETE' || r.path.endsWith('/merge') || r.path.endsWith('/reviews'),
      ),
    ).toBe(false);
    const res = await h.handler({
      messageVersion: '1.0',
      actionGroup: 'github-planning',
      apiPath: '/github/pulls/merge',
      httpMethod: 'PUT',
      parameters: [],
      sessionAttributes: { taskId: 'task-1' },
    });
    expect(res).toMatchObject({ response: { httpStatusCode: 404 } });
  });
});
