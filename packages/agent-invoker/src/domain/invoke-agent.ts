import { createHash } from 'node:crypto';
import type { CostStore, TaskPatch, TaskRepository, TimelineRepository } from '@enterprise-agents/core/db';
import { AgentName, type Task } from '@enterprise-agents/core/domain';
import { BudgetExceededError } from '@enterprise-agents/core/errors';
import type { Logger } from '@enterprise-agents/core/logging';
import type { Clock } from '@enterprise-agents/core/util';
import type { UsageMeter } from './agent-loop';
import { TaskNotActiveError, TaskNotFoundError } from './errors';
import { moveTo, type WorkView, workOf } from './lifecycle';
import { type ModelUsage, ZERO_MODEL_USAGE } from './model';
import type { AgentOutput, AgentOutputs, OutputCheck, OutputValidator } from './output';
import type { InvokeAgentPayload } from './payload';
import type { AgentRuntime } from './ports';
import { addUsage, type ModelPrices, priceUsage, resolveModelPrice } from './pricing';
import { buildPrompt, correctivePrompt } from './prompt';

export interface BudgetConfig {
  prices: ModelPrices;
  taskBudgetUsd: number;
  dailyBudgetUsd: number;
}

export interface InvokeAgentDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
  costs: CostStore;
  runtime: AgentRuntime;
  validator: OutputValidator;
  clock: Clock;
  logger: Logger;
  budget: BudgetConfig;
  branchPrefix: string;
  maxFixAttempts: number;
}

/** What one invocation spent. */
export type StepUsage = ModelUsage & { usd: number; modelCalls: number };

export type InvokeAgentResult =
  | { agent: AgentName; continue: false; output: AgentOutput; work: WorkView; usage: StepUsage }
  | { agent: AgentName; continue: true; output: null; work: WorkView; usage: StepUsage };

const round = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/** Conversation (and Bedrock session) ids allow [0-9a-zA-Z._:-], 2–100 characters. */
export const sessionIdFor = (taskId: string, runId: number, agent: AgentName): string =>
  `${taskId}-r${runId}-${agent}`.replace(/[^0-9A-Za-z._:-]/g, '-').slice(0, 100);

/** How much may still be spent: the smaller of the task's and the day's remaining budget. */
const remainingBudget = async (
  deps: Pick<InvokeAgentDeps, 'budget' | 'clock' | 'costs'>,
  task: Task,
): Promise<number> => {
  const { taskBudgetUsd, dailyBudgetUsd } = deps.budget;
  if (task.costUsd >= taskBudgetUsd)
    throw new BudgetExceededError(
      `task budget of ${taskBudgetUsd} USD reached (spent ${round(task.costUsd)} USD)`,
    );
  const today = deps.clock.now().toISOString().slice(0, 10);
  const day = await deps.costs.daily(today);
  if (day.usd >= dailyBudgetUsd)
    throw new BudgetExceededError(
      `daily budget of ${dailyBudgetUsd} USD reached (spent ${round(day.usd)} USD on ${today})`,
    );
  return Math.min(taskBudgetUsd - task.costUsd, dailyBudgetUsd - day.usd);
};

/** Task fields an agent's result sets, so status queries and the next steps see them. */
const patchFor = (agent: AgentName, output: AgentOutput, input: InvokeAgentPayload['input']): TaskPatch => {
  switch (agent) {
    case AgentName.Planning: {
      const plan = output as AgentOutputs['planning'];
      return { repo: plan.repo, branch: plan.branch, prNumber: plan.prNumber, prUrl: plan.prUrl };
    }
    case AgentName.Execution:
      return { headSha: (output as AgentOutputs['execution']).headSha };
    case AgentName.Cicd:
      return {
        headSha: (output as AgentOutputs['cicd']).headSha,
        ...(input.attempt === undefined ? {} : { attempts: input.attempt }),
      };
    default:
      return {};
  }
};

/**
 * The commit an execution or CI/CD result reports must be one the action groups
 * wrote for this task (every write is on the timeline with its SHA): a made-up
 * or stale SHA would park the workflow on a CI result that never comes. Only
 * checked once the task has recorded commits; there is nothing to compare with
 * before that.
 */
const commitProblems = async (
  deps: InvokeAgentDeps,
  taskId: string,
  agent: AgentName,
  output: AgentOutput,
): Promise<string[]> => {
  if (agent !== AgentName.Execution && agent !== AgentName.Cicd) return [];
  if (agent === AgentName.Cicd && !(output as AgentOutputs['cicd']).fixPushed) return [];
  const { headSha } = output as AgentOutputs['execution'] | AgentOutputs['cicd'];
  const written = (await deps.timeline.list(taskId))
    .filter((event) => event.type === 'github.write' && typeof event.data?.sha === 'string')
    .map((event) => String(event.data?.sha));
  if (written.length === 0 || written.includes(headSha)) return [];
  return [
    `headSha ${headSha} is not a commit your tools pushed for this task (the latest is ${written.at(-1)}); report the SHA that commitFiles or putFile returned`,
  ];
};

/**
 * Which step of the conversation this is. The same state with the same input
 * (a retry, a continuation) resumes the step; a new fix attempt or a revision
 * starts a new step in the same conversation.
 */
export const stepKeyOf = (payload: InvokeAgentPayload): string =>
  createHash('sha256')
    .update(JSON.stringify([payload.agent, payload.status, payload.input]))
    .digest('hex')
    .slice(0, 16);

/** Prices and records every model call of this invocation, and stops it when the budget is spent. */
class StepMeter implements UsageMeter {
  readonly total: StepUsage = { ...ZERO_MODEL_USAGE, usd: 0, modelCalls: 0 };

  constructor(
    private readonly deps: InvokeAgentDeps,
    private readonly taskId: string,
    private readonly agent: AgentName,
  ) {}

  async ensureBudget(): Promise<void> {
    await remainingBudget(this.deps, await this.deps.tasks.require(this.taskId));
  }

  async record(call: Parameters<UsageMeter['record']>[0]): Promise<number> {
    const { usage } = call;
    const usd = priceUsage(resolveModelPrice(call.model, this.deps.budget.prices), usage);
    Object.assign(this.total, addUsage(this.total, usage));
    this.total.usd = round(this.total.usd + usd);
    this.total.modelCalls += 1;
    const tokens = usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    if (tokens === 0) return 0;
    const totals = await this.deps.costs.record({
      taskId: this.taskId,
      agent: this.agent,
      model: call.model,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      usd,
    });
    const tools = call.tools.length === 0 ? 'answer' : `tools ${call.tools.join(', ')}`;
    await this.deps.timeline.append(this.taskId, {
      type: 'agent.turn',
      message: `${this.agent} turn ${call.turn}: ${tools}; ${usage.inputTokens} in + ${usage.outputTokens} out + ${usage.cacheReadTokens} cache read + ${usage.cacheWriteTokens} cache write tokens = ${usd} USD${call.note === undefined ? '' : ` (${call.note})`}`,
      data: {
        agent: this.agent,
        turn: call.turn,
        tools: call.tools,
        model: call.model,
        ...usage,
        usd,
        taskTotalUsd: totals.taskTotalUsd,
        ...(call.note === undefined ? {} : { note: call.note }),
      },
    });
    return usd;
  }
}

/**
 * One agent step: budget check, status, prompt, the runtime (our loop or
 * Agents Classic) with the budget checked before and the usage recorded after
 * every model call, and the validated result saved on the task. A step that
 * reaches the invocation's deadline returns `continue` and the state machine
 * runs it again; the runtime resumes it from the stored conversation.
 */
export const invokeAgent = async (
  deps: InvokeAgentDeps,
  payload: InvokeAgentPayload,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<InvokeAgentResult> => {
  const { agent } = payload;
  const log = deps.logger.child({ taskId: payload.taskId, runId: payload.runId, agent });
  const initial = await deps.tasks.get(payload.taskId);
  if (initial === undefined) throw new TaskNotFoundError(payload.taskId);
  if (initial.runId !== payload.runId)
    throw new TaskNotActiveError(`task ${payload.taskId} moved on to run ${initial.runId}`);
  // Budget first: a task over budget must not even change status.
  await remainingBudget(deps, initial);
  const continuation = payload.continuation ?? 0;
  const task = await moveTo(deps, payload, payload.status, {
    message: continuation === 0 ? `${agent} agent started` : `${agent} agent continued (${continuation})`,
  });

  const conversationId = sessionIdFor(task.taskId, task.runId, agent);
  const meter = new StepMeter(deps, task.taskId, agent);
  await deps.timeline.append(task.taskId, {
    type: 'agent.invoked',
    message:
      continuation === 0
        ? `${agent} agent invoked (${deps.runtime.name})`
        : `${agent} agent resumed after continuation ${continuation} (${deps.runtime.name})`,
    data: { agent, runtime: deps.runtime.name, conversationId, continuation },
  });
  const validate = async (text: string): Promise<OutputCheck> => {
    const checked = deps.validator.check(agent, text);
    const problems = checked.ok ? await commitProblems(deps, task.taskId, agent, checked.output) : [];
    return problems.length === 0 ? checked : { ok: false, problems };
  };
  let outcome: Awaited<ReturnType<AgentRuntime['run']>> | undefined;
  try {
    outcome = await deps.runtime.run({
      taskId: task.taskId,
      runId: task.runId,
      agent,
      conversationId,
      stepKey: stepKeyOf(payload),
      prompt: buildPrompt(agent, task, payload.input, {
        branchPrefix: deps.branchPrefix,
        maxFixAttempts: deps.maxFixAttempts,
      }),
      sessionAttributes: { taskId: task.taskId, runId: String(task.runId), agent },
      validate,
      corrective: (problems) => correctivePrompt(agent, problems),
      meter,
      remainingMs,
    });
  } finally {
    const { total } = meter;
    const current = await deps.tasks.get(task.taskId);
    await deps.timeline.append(task.taskId, {
      type: 'agent.cost',
      message: `${agent}: ${total.modelCalls} model call(s), ${total.inputTokens} input + ${total.outputTokens} output + ${total.cacheReadTokens} cache read + ${total.cacheWriteTokens} cache write tokens = ${total.usd} USD${outcome === undefined ? ' (step failed)' : ''} (task total ${round(current?.costUsd ?? 0)} USD)`,
      data: { agent, ...total, taskTotalUsd: round(current?.costUsd ?? 0), continuation },
    });
  }
  if (outcome.status === 'continue') {
    await deps.timeline.append(task.taskId, {
      type: 'agent.continue',
      message: `${agent} step paused before the invocation deadline (${outcome.reason}); the workflow runs it again`,
      data: { agent, continuation, turns: outcome.turns },
    });
    log.info({ usage: meter.total, continuation }, 'agent step continues');
    return { agent, continue: true, output: null, work: workOf(task), usage: meter.total };
  }
  const updated = await moveTo(deps, payload, payload.status, {
    patch: patchFor(agent, outcome.output, payload.input),
  });
  log.info({ usage: meter.total, turns: outcome.turns }, 'agent step done');
  return { agent, continue: false, output: outcome.output, work: workOf(updated), usage: meter.total };
};
