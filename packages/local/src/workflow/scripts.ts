import {
  ActionGroup,
  type AgentScript,
  type ScriptContext,
  type ToolResult,
} from '@enterprise-agents/agent-invoker';
import type { AgentName } from '@enterprise-agents/core/domain';

export { ActionGroup };

/** A tool refusal or failure the script cannot work around: the run escalates, as a real agent would give up. */
export class ScriptedToolError extends Error {
  constructor(operation: string, result: ToolResult) {
    super(`${operation} answered ${result.status}: ${JSON.stringify(result.body).slice(0, 300)}`);
    this.name = 'AgentInvocationFailed';
  }
}

const ok = async (
  ctx: ScriptContext,
  group: string,
  method: string,
  path: string,
  args: Record<string, unknown>,
) => {
  const result = await ctx.tool(group, method, path, args);
  if (result.status >= 300) throw new ScriptedToolError(`${method} ${path}`, result);
  return result.body as Record<string, unknown>;
};

/** Reads a fact the prompt states (`- repository: x`), the way a model would. */
const fact = (prompt: string, pattern: RegExp, what: string): string => {
  const match = prompt.match(pattern);
  if (match?.[1] === undefined) throw new Error(`the prompt does not state the ${what}`);
  return match[1];
};
const currentRepo = (prompt: string) => fact(prompt, /^- repository: (\S+)$/m, 'repository');
const currentBranch = (prompt: string) => fact(prompt, /^- branch: (\S+)$/m, 'branch');
const answer = (value: unknown): string => `Done.\n\n\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``;

/** What the default scripts write (files of the implementation and of the fixes). */
export interface ScriptOptions {
  /** Files the execution agent commits. */
  implementation?: Record<string, string>;
  /** The Jira key to comment on (when a jira tool is wired). */
  commentOnJira?: boolean;
}

/**
 * Deterministic agents for tests and `make demo`: each drives the real action
 * groups (branch, PLAN.md, draft PR, commits, CI logs) and ends with the JSON
 * its schema asks for, built from what the tools answered.
 */
export const defaultAgentScripts = (options: ScriptOptions = {}): Record<AgentName, AgentScript> => ({
  discovery: async (ctx) => {
    const listed = await ok(ctx, ActionGroup.GitHubDiscovery, 'GET', '/github/repos', { limit: 20 });
    const repos = (listed.repositories as { fullName: string }[] | undefined) ?? [];
    const first = repos[0];
    if (first === undefined) throw new Error('the organization has no repository the agents may use');
    await ok(ctx, ActionGroup.GitHubDiscovery, 'GET', '/github/repos/instructions', { repo: first.fullName });
    return answer({
      repositories: repos.slice(0, 3).map((repo, i) => ({
        repo: repo.fullName,
        confidence: Math.max(0.1, 0.9 - i * 0.3),
        reason: i === 0 ? 'most recently pushed repository of the organization' : 'also in the organization',
      })),
      summary: `The change belongs in ${first.fullName}.`,
    });
  },
  planning: async (ctx) => {
    const { prompt } = ctx.invocation;
    const repo = fact(prompt, /"repo": "([^"]+)"/, 'discovered repository');
    const branch = fact(prompt, /Create the branch `([^`]+)`/, 'branch');
    const key = fact(prompt, /^## The request \(\w+ ([^)]+)\)$/m, 'key');
    await ok(ctx, ActionGroup.GitHubPlanning, 'POST', '/github/branches', { repo, branch });
    await ok(ctx, ActionGroup.GitHubPlanning, 'POST', '/github/files', {
      repo,
      branch,
      path: 'PLAN.md',
      content: `# Plan for ${key}\n\n## Scope\nThe request.\n\n## Test cases\n- a failing test first\n\n## Tasks\n1. test\n2. code\n`,
      message: `${key}: plan`,
    });
    const pull = await ok(ctx, ActionGroup.GitHubPlanning, 'POST', '/github/pulls', {
      repo,
      head: branch,
      title: `${key}: plan`,
      body: `Plan for ${key}. See PLAN.md.`,
    });
    // Only a Jira ticket has an issue to comment on (the prompt names the source, as a model would read it).
    if (options.commentOnJira === true && /^## The request \(jira /m.test(prompt))
      await ok(ctx, ActionGroup.Jira, 'POST', '/jira/issue/comment', {
        issueKey: key,
        body: `Plan: ${String(pull.url)}`,
      });
    return answer({
      repo,
      branch,
      prNumber: pull.number,
      prUrl: pull.url,
      summary: `PLAN.md on ${branch}: test first, then the change.`,
      estimatedScope: 'small',
    });
  },
  execution: async (ctx) => {
    const { prompt } = ctx.invocation;
    const repo = currentRepo(prompt);
    const branch = currentBranch(prompt);
    const files = options.implementation ?? {
      'src/feature.ts': `export const feature = (): string => 'run ${ctx.call}';\n`,
      'test/feature.test.ts': `import { feature } from '../src/feature';\ntest('feature', () => expect(feature()).toBeTruthy());\n`,
    };
    const commit = await ok(ctx, ActionGroup.GitHubPlanning, 'POST', '/github/commits', {
      repo,
      branch,
      message: 'implement the plan, test first',
      files: Object.entries(files).map(([path, content]) => ({ path, content })),
    });
    return answer({
      headSha: commit.commitSha,
      filesChanged: Object.keys(files),
      summary: 'Implemented the plan.',
      testsAdded: true,
    });
  },
  cicd: async (ctx) => {
    const { prompt } = ctx.invocation;
    const repo = currentRepo(prompt);
    const branch = currentBranch(prompt);
    const headSha = fact(prompt, /^- head commit: ([0-9a-f]{40})$/m, 'head commit');
    const runs = await ok(ctx, ActionGroup.GitHubCi, 'GET', '/github/ci/runs', { repo, headSha });
    const failed = ((runs.runs as { id: number; conclusion: string | null }[] | undefined) ?? []).find(
      (run) => run.conclusion !== null && run.conclusion !== 'success',
    );
    let diagnosis = 'no failed run found on the head commit';
    if (failed !== undefined) {
      const jobs = await ok(ctx, ActionGroup.GitHubCi, 'GET', '/github/ci/runs/jobs', {
        repo,
        runId: failed.id,
      });
      const job = (
        (jobs.jobs as { id: number; name: string; conclusion: string | null }[] | undefined) ?? []
      ).find((j) => j.conclusion === 'failure');
      diagnosis =
        job === undefined ? `run ${failed.id} failed without a failed job` : `job ${job.name} failed`;
      if (job !== undefined)
        await ok(ctx, ActionGroup.GitHubCi, 'GET', '/github/ci/jobs/log', { repo, jobId: job.id });
    }
    const commit = await ok(ctx, ActionGroup.GitHubPlanning, 'POST', '/github/commits', {
      repo,
      branch,
      message: `fix CI (attempt ${ctx.call})`,
      files: [
        { path: 'src/feature.ts', content: `export const feature = (): string => 'fixed ${ctx.call}';\n` },
      ],
    });
    return answer({
      fixPushed: true,
      headSha: commit.commitSha,
      diagnosis,
      filesChanged: ['src/feature.ts'],
    });
  },
});
