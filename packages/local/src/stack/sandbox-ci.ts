import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '@enterprise-agents/core/signatures';
import type { GitHubFake } from '@enterprise-agents/fakes/github';

export type CiConclusion = 'success' | 'failure';

/** Decides the outcome of the n-th CI run (0-based) of a commit series. */
export type CiPolicy = (context: { repo: string; headSha: string; index: number }) => CiConclusion;

export const CiPolicies = {
  alwaysGreen: (() => 'success') as CiPolicy,
  /** Red on the first run, green afterwards: shows the CI/CD agent's fix loop. */
  redThenGreen: (({ index }) => (index === 0 ? 'failure' : 'success')) as CiPolicy,
  alwaysRed: (() => 'failure') as CiPolicy,
} as const;

/**
 * Plays GitHub Actions for the local stack: when the workflow registers a CI
 * wait on a commit, it records a completed workflow run in the GitHub sandbox
 * and delivers a signed `workflow_run` webhook to the local API, so CI results
 * travel the same path as in production (webhook → resolveCiWaits → task token).
 */
export class SandboxCi {
  private index = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      github: GitHubFake;
      webhookUrl: () => string;
      webhookSecret: string;
      policy: CiPolicy;
      delayMs?: number;
      log?: (line: string) => void;
    },
  ) {}

  /** Called with each registerCiWait payload. */
  schedule(repo: string, headSha: string): void {
    const conclusion = this.options.policy({ repo, headSha, index: this.index++ });
    const run = new Promise<void>((resolve) => setTimeout(resolve, this.options.delayMs ?? 20))
      .then(() => this.complete(repo, headSha, conclusion))
      .catch((error: unknown) => this.options.log?.(`sandbox CI failed to report: ${String(error)}`));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  async complete(repo: string, headSha: string, conclusion: CiConclusion): Promise<void> {
    const { run } = this.options.github.state.addWorkflowRun({
      repo,
      headSha,
      name: 'ci',
      conclusion,
      jobs: [
        {
          name: 'test',
          conclusion,
          steps: [
            { name: 'npm ci', conclusion: 'success' },
            { name: 'npm test', conclusion },
          ],
        },
      ],
    });
    const [owner, name] = repo.split('/') as [string, string];
    const body = JSON.stringify({
      action: 'completed',
      workflow_run: {
        id: run.id,
        name: 'ci',
        head_sha: headSha,
        status: 'completed',
        conclusion,
        event: 'pull_request',
        html_url: `https://github.com/${repo}/actions/runs/${run.id}`,
      },
      repository: { full_name: repo, name, owner: { login: owner, type: 'Organization' } },
      sender: { login: 'github-actions[bot]', type: 'Bot' },
    });
    const response = await fetch(this.options.webhookUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'workflow_run',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${hmacSha256Hex(this.options.webhookSecret, body)}`,
        'user-agent': 'GitHub-Hookshot/local',
      },
      body,
    });
    this.options.log?.(
      `sandbox CI: ${repo}@${headSha.slice(0, 7)} ${conclusion} -> webhook ${response.status}`,
    );
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
