import { describe, expect, it } from '@jest/globals';
import {
  createLocalWorkflow,
  type ExecutionRecord,
  type LambdaCall,
  type LocalWorkflow,
  type TemplateVars,
} from '../../src/workflow';

/**
 * The continue loop of the agent steps (issue 10), on the real definition with
 * stub Lambdas: agent-invoker answers `continue: true` as many times as a
 * scenario says, every other call succeeds at once (approval given, CI green).
 */

interface InvokePayload {
  action: string;
  agent?: string;
  status?: string;
  input?: Record<string, unknown>;
  continuation?: number;
  reason?: string;
  escalation?: { kind?: string; reason?: string };
}

const sha = 'c0ffee'.padEnd(40, '0');
const work = {
  repo: 'acme/app',
  branch: 'agent/ENG-1-x',
  prNumber: 7,
  prUrl: 'https://github.com/acme/app/pull/7',
  headSha: sha,
};
const outputs: Record<string, unknown> = {
  discovery: { repositories: [{ repo: 'acme/app', confidence: 0.9, reason: 'login' }], summary: 'acme/app' },
  planning: { repo: 'acme/app', branch: work.branch, prNumber: 7, prUrl: work.prUrl, summary: 'plan' },
  execution: { headSha: sha, filesChanged: ['a.ts'], summary: 'done', testsAdded: true },
  cicd: { fixPushed: true, headSha: sha, diagnosis: 'flake' },
};

/** How many times each agent answers `continue: true` before its result (Infinity: never finishes). */
type Continues = Partial<Record<string, number>>;

const run = async (
  continues: Continues,
  templateVars: Partial<TemplateVars> = {},
): Promise<ExecutionRecord> => {
  const answered = new Map<string, number>();
  let workflow: LocalWorkflow | undefined;
  const complete = (payload: unknown, output: unknown): void => {
    const { taskToken } = payload as { taskToken: string };
    void workflow?.callbackPort.succeed(taskToken, output);
  };
  workflow = createLocalWorkflow({
    templateVars,
    handlers: {
      agentInvoker: async (raw) => {
        const payload = raw as InvokePayload;
        switch (payload.action) {
          case 'claimTask':
            return { output: { kind: 'new', source: 'jira', status: 'DISCOVERING' }, work };
          case 'recordStep':
            return { status: payload.status };
          case 'finishTask':
            return { status: payload.status, reason: payload.reason ?? payload.escalation?.reason ?? '' };
          case 'invokeAgent': {
            const agent = payload.agent as string;
            const count = answered.get(agent) ?? 0;
            answered.set(agent, count + 1);
            const usage = { modelCalls: 1, usd: 0.01 };
            return count < (continues[agent] ?? 0)
              ? { agent, continue: true, output: null, work, usage }
              : { agent, continue: false, output: outputs[agent], work, usage };
          }
          default:
            throw new Error(`unexpected invoker action ${payload.action}`);
        }
      },
      slackHandler: async (payload) => {
        if ((payload as { action: string }).action === 'requestApproval')
          complete(payload, { approved: true, by: 'U0APPROVER' });
        return { posted: true };
      },
      githubActions: async (payload) => {
        complete(payload, { success: true, summary: 'CI passed', headSha: sha, failedJobs: [] });
        return { registered: true };
      },
      jiraActions: async () => ({ commented: true }),
    },
  });
  return workflow.start({ taskId: 'T1', runId: 1, source: 'jira', kind: 'new' }).done;
};

const agentCalls = (record: ExecutionRecord, stateName: string): InvokePayload[] =>
  record.calls.filter((c: LambdaCall) => c.stateName === stateName).map((c) => c.payload as InvokePayload);
const finish = (record: ExecutionRecord): InvokePayload | undefined =>
  record.calls.map((c) => c.payload as InvokePayload).find((p) => p.action === 'finishTask');

describe('agent step continue loop (orchestrator.asl.json on aws-local-stepfunctions)', () => {
  it('runs a continued step again with the same input and the next continuation, then goes on', async () => {
    const record = await run({ discovery: 1, planning: 2, execution: 0 });

    expect(record.status).toBe('SUCCEEDED');
    const discover = agentCalls(record, 'Discover');
    const plan = agentCalls(record, 'Plan');
    const execute = agentCalls(record, 'Execute');
    expect(discover.map((p) => p.continuation)).toEqual([0, 1]);
    // Plan ran 3 times (continue twice, then its result); its counter started from 0.
    expect(plan.map((p) => p.continuation)).toEqual([0, 1, 2]);
    expect(execute.map((p) => p.continuation)).toEqual([0]);
    // Every run of Plan got Discover's result, although each run overwrote $.step.
    for (const payload of plan)
      expect(payload.input).toEqual({ context: 'ticket', discovery: outputs.discovery });
    expect(execute[0]?.input).toEqual({ plan: outputs.planning });
    expect(record.path).toEqual(
      expect.arrayContaining(['ContinueDiscover', 'DiscoverFinished', 'ContinuePlan', 'PlanFinished']),
    );
    expect(record.path).not.toContain('ContinueExecute');
    expect(record.path.slice(-4)).toEqual([
      'NotifyCompleted',
      'RouteJiraCompleted',
      'CommentJiraCompleted',
      'Completed',
    ]);
    expect(finish(record)).toMatchObject({ status: 'COMPLETED', reason: 'CI passed' });
  });

  it('the Task of a step continued twice runs three times, then the workflow goes on', async () => {
    const record = await run({ execution: 2 });

    expect(record.status).toBe('SUCCEEDED');
    expect(agentCalls(record, 'Execute').map((p) => p.continuation)).toEqual([0, 1, 2]);
    const afterExecute = record.path.slice(record.path.lastIndexOf('Execute') + 1);
    expect(afterExecute.slice(0, 4)).toEqual([
      'CheckExecuteContinue',
      'ExecuteFinished',
      'RecordAwaitingCi',
      'WaitForCI',
    ]);
    expect(finish(record)?.status).toBe('COMPLETED');
  });

  it('a step that never finishes escalates after max_agent_continues continuations, naming the step', async () => {
    const record = await run({ discovery: Number.POSITIVE_INFINITY }, { max_agent_continues: 2 });

    expect(record.status).toBe('SUCCEEDED');
    expect(agentCalls(record, 'Discover').map((p) => p.continuation)).toEqual([0, 1, 2]);
    expect(agentCalls(record, 'Plan')).toEqual([]);
    expect(record.path).toEqual(expect.arrayContaining(['DiscoverNotFinished', 'Escalate', 'Escalated']));
    expect(finish(record)).toMatchObject({
      status: 'ESCALATED',
      escalation: { kind: 'escalated', reason: 'agent step Discover did not finish within 2 continuations' },
    });
    const notify = record.calls.find((c) => c.stateName === 'NotifyEscalated')?.payload;
    expect(notify).toMatchObject({
      kind: 'escalated',
      reason: 'agent step Discover did not finish within 2 continuations',
    });
  });

  it('allows 8 continuations by default (the Terraform default of max_agent_continues)', async () => {
    const record = await run({ execution: Number.POSITIVE_INFINITY });

    expect(agentCalls(record, 'Execute').map((p) => p.continuation)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(finish(record)?.escalation?.reason).toBe(
      'agent step Execute did not finish within 8 continuations',
    );
  });
});
