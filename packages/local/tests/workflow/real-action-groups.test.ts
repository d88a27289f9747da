import type { ActionGroupInvoker } from '@enterprise-agents/agent-invoker';
import { TaskStatus } from '@enterprise-agents/core/domain';
import { createGitHubClient, OctokitGitHub } from '@enterprise-agents/core/github';
import { silentLogger } from '@enterprise-agents/core/testing';
import { resolveCiWaits } from '@enterprise-agents/core/workflow';
import { type GitHubFake, startGitHubFake } from '@enterprise-agents/fakes/github';
import { createHandler as createGitHubActions, OctokitRepoHost } from '@enterprise-agents/github-actions';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultAgentScripts, type LocalLambda } from '../../src/workflow';
import { createHarness, type Harness, type HarnessOptions } from './harness';

const scenario = (
  name: string,
  options: Pick<HarnessOptions, 'invokerContext'>,
  body: (ctx: {
    h: () => Harness;
    fake: () => GitHubFake;
    ciCompletes: (repo: string, sha: string, conclusion: 'success' | 'failure') => Promise<void>;
  }) => void,
) =>
  describe(name, () => {
    let fake: GitHubFake;
    let h: Harness;
    let github: OctokitGitHub;

    beforeAll(async () => {
      fake = await startGitHubFake();
      fake.state.seedRepo({
        fullName: 'acme/app',
        files: { 'README.md': '# app\n', 'AGENTS.md': 'Run npm test before pushing.\n' },
      });
      const octokit = createGitHubClient({
        auth: { type: 'token', token: 'test-token' },
        baseUrl: fake.url,
        sleep: async () => undefined,
      });
      github = new OctokitGitHub(octokit);
      let gitHubActions: ReturnType<typeof createGitHubActions> | undefined;
      const tool: ActionGroupInvoker = async (event) => {
        if (gitHubActions === undefined) throw new Error('github-actions not wired');
        return (await gitHubActions(event)) as Awaited<ReturnType<ActionGroupInvoker>>;
      };
      h = await createHarness({
        ...options,
        scripts: defaultAgentScripts(),
        tools: { 'github-discovery': tool, 'github-planning': tool, 'github-ci': tool },
        githubActions: ({ callback, timeline, ciWaits }) => {
          gitHubActions = createGitHubActions({
            host: new OctokitRepoHost(octokit),
            guardrails: {
              org: 'acme',
              repoAllowlist: [],
              branchPrefix: 'agent/',
              protectedPaths: ['.github/workflows/**'],
              maxFileBytes: 200_000,
              maxFilesPerCommit: 50,
            },
            audit: timeline,
            ciWait: { ciWaits, github, callback, timeline },
            logger: silentLogger(),
          });
          return gitHubActions as unknown as LocalLambda;
        },
      });
    });
    afterAll(async () => {
      await h.close();
      await fake.close();
    });

    /** What webhook-handler does on workflow_run completed: resolve the waits of that commit. */
    const ciCompletes = async (repo: string, sha: string, conclusion: 'success' | 'failure') => {
      fake.state.addWorkflowRun({
        repo,
        headSha: sha,
        conclusion,
        jobs: [{ name: 'test', conclusion }],
      });
      await resolveCiWaits(
        { ciWaits: h.ciWaits, github, callback: h.workflow.callbackPort, timeline: h.timeline },
        repo,
        sha,
      );
    };

    body({ h: () => h, fake: () => fake, ciCompletes });
  });

/**
 * The orchestrator with the REAL github-actions Lambda: the scripted agents
 * create the branch, PLAN.md, the draft PR and the commits through its action
 * groups against the GitHub API fake, and registerCiWait parks the workflow
 * until the (simulated) workflow_run webhook resolves CI.
 */
scenario('orchestrator with the real github-actions action groups', {}, (ctx) => {
  it('Jira ticket to a draft PR with PLAN.md, commits, a red CI fixed by the CI/CD agent, COMPLETED', async () => {
    const h = ctx.h();
    const fake = ctx.fake();
    const { ciCompletes } = ctx;
    const task = await h.createTask();
    const execution = h.start(task);
    await h.workflow.broker.waitFor((t) => t.stateName === 'RequestApproval');
    await h.decide(task.taskId, 'approved');

    const firstWait = await h.workflow.broker.waitFor((t) => t.stateName === 'WaitForCI');
    const first = firstWait.payload as { repo: string; headSha: string };
    expect(first.repo).toBe('acme/app');
    await ciCompletes(first.repo, first.headSha, 'failure');

    const secondWait = await h.workflow.broker.waitFor(
      (t) => t.stateName === 'WaitForCI' && (t.payload as { headSha: string }).headSha !== first.headSha,
    );
    const second = secondWait.payload as { repo: string; headSha: string };
    await ciCompletes(second.repo, second.headSha, 'success');
    const record = await execution.done;

    expect(record.status).toBe('SUCCEEDED');
    const final = await h.tasks.require(task.taskId);
    expect(final).toMatchObject({
      status: TaskStatus.Completed,
      repo: 'acme/app',
      attempts: 1,
      headSha: second.headSha,
    });
    expect(final.branch).toBe('agent/ENG-42-add-rate-limiting-to-the-login-endpoint');

    // What GitHub received: a draft PR from the agent branch, PLAN.md and the commits on it.
    const pulls = fake.requestsTo('POST', /\/repos\/acme\/app\/pulls$/);
    expect(pulls).toHaveLength(1);
    expect(final.prUrl).toContain(`/pull/${final.prNumber}`);
    const tools = h.model.toolCalls.map((c) => `${c.agent}:${c.method} ${c.apiPath}:${c.status}`);
    expect(tools).toEqual([
      'discovery:GET /github/repos:200',
      'discovery:GET /github/repos/instructions:200',
      'planning:POST /github/branches:200',
      'planning:POST /github/files:200',
      'planning:POST /github/pulls:200',
      'execution:POST /github/commits:200',
      'cicd:GET /github/ci/runs:200',
      'cicd:GET /github/ci/runs/jobs:200',
      'cicd:GET /github/ci/jobs/log:200',
      'cicd:POST /github/commits:200',
    ]);
    const types = (await h.timeline.list(task.taskId)).map((e) => e.type);
    expect(types.filter((t) => t === 'github.write').length).toBeGreaterThanOrEqual(5);
    expect(types.filter((t) => t.startsWith('ci.'))).toEqual(['ci.failed', 'ci.passed']);
    expect(types.slice(-3)).toEqual(['task.completed', 'slack.notify', 'jira.write']);
    // The final comment went to the Jira issue through the real jira-actions Lambda.
    expect(h.jira.issues.get('ENG-42')?.comments).toHaveLength(1);
  });
});

/**
 * Every agent-invoker call is a Lambda invocation with room for two model calls
 * (the deadline reserve is 120 s; each look at the clock costs 100 s here): a
 * step with more turns stops with "continue", the state machine runs the state
 * again and the loop resumes the stored conversation.
 */
scenario(
  'a step longer than one Lambda invocation',
  {
    invokerContext: () => {
      let remaining = 350_000;
      return {
        getRemainingTimeInMillis: () => {
          remaining -= 100_000;
          return remaining;
        },
      };
    },
  },
  (ctx) => {
    it('continues across the deadline: the same tools are not called twice and the task completes', async () => {
      const h = ctx.h();
      const task = await h.createTask({
        externalKey: 'ENG-43',
        context: { key: 'ENG-43', title: 'Long step' },
      });
      const execution = h.start(task);
      await h.workflow.broker.waitFor((t) => t.stateName === 'RequestApproval');
      await h.decide(task.taskId, 'approved');
      const wait = await h.workflow.broker.waitFor((t) => t.stateName === 'WaitForCI');
      const { repo, headSha } = wait.payload as { repo: string; headSha: string };
      await ctx.ciCompletes(repo, headSha, 'success');
      const record = await execution.done;

      expect(record.status).toBe('SUCCEEDED');
      expect((await h.tasks.require(task.taskId)).status).toBe(TaskStatus.Completed);
      // discovery: 3 model calls, planning: 4 → each continued once; execution: 2 → not at all.
      const entered = (state: string) =>
        record.history.filter((e) => e.type === 'StateEntered' && e.state === state).length;
      expect([entered('Discover'), entered('Plan'), entered('Execute')]).toEqual([2, 2, 1]);
      const events = await h.timeline.list(task.taskId);
      expect(events.filter((e) => e.type === 'agent.continue').map((e) => e.data?.agent)).toEqual([
        'discovery',
        'planning',
      ]);
      // The resumed steps did not redo their work: one branch, one PLAN.md, one draft PR.
      expect(ctx.fake().requestsTo('POST', /\/repos\/acme\/app\/pulls$/)).toHaveLength(1);
      expect(h.model.toolCalls.filter((c) => c.apiPath === '/github/branches')).toHaveLength(1);
      // Every model call is on the timeline and priced.
      expect(events.filter((e) => e.type === 'agent.turn')).toHaveLength(3 + 4 + 2);
    });
  },
);
