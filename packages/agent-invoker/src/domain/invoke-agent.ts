import {
  AgentName,
  BudgetExceededError,
  type Clock,
  type CostStore,
  type Logger,
  type Task,
  type TaskPatch,
  type TaskRepository,
  type TimelineRepository,
} from '@enterprise-agents/core';
import { InvalidAgentOutputError, TaskNotActiveError, TaskNotFoundError } from './errors';
import { moveTo, type WorkView, workOf } from './lifecycle';
import type { AgentOutput, AgentOutputs, OutputValidator } from './output';
import type { InvokeAgentPayload } from './payload';
import type { AgentRuntime, TokenUsage } from './ports';
import { addUsage, type ModelPrice, priceUsage, ZERO_USAGE } from './pricing';
import { buildPrompt, correctivePrompt } from './prompt';

export interface BudgetConfig {
  modelId: string;
  price: ModelPrice;
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

export interface InvokeAgentResult {
  agent: AgentName;
  output: AgentOutput;
  work: WorkView;
  usage: TokenUsage & { usd: number; invocations: number };
}

const round = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/** Bedrock session ids allow [0-9a-zA-Z._:-], 2–100 characters. */
export const sessionIdFor = (taskId: string, runId: number, agent: AgentName): string =>
  `${taskId}-r${runId}-${agent}`.replace(/[^0-9A-Za-z._:-]/g, '-').slice(0, 100);

/** How much may still be spent: the smaller of the task's and the day's remaining budget. */
const remainingBudget = async (deps: InvokeAgentDeps, task: Task): Promise<number> => {
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
 * One agent step: budget check, status, prompt, InvokeAgent with the budget
 * enforced while it streams, cost recorded per invocation, the reply validated
 * against its schema (one corrective retry), and the result saved on the task.
 */
export const invokeAgent = async (
  deps: InvokeAgentDeps,
  payload: InvokeAgentPayload,
): Promise<InvokeAgentResult> => {
  const { agent } = payload;
  const log = deps.logger.child({ taskId: payload.taskId, runId: payload.runId, agent });
  const initial = await deps.tasks.get(payload.taskId);
  if (initial === undefined) throw new TaskNotFoundError(payload.taskId);
  if (initial.runId !== payload.runId)
    throw new TaskNotActiveError(`task ${payload.taskId} moved on to run ${initial.runId}`);
  // Budget first: a task over budget must not even change status.
  await remainingBudget(deps, initial);
  const task = await moveTo(deps, payload, payload.status, { message: `${agent} agent started` });

  const sessionId = sessionIdFor(task.taskId, task.runId, agent);
  const sessionAttributes = { taskId: task.taskId, runId: String(task.runId), agent };
  let prompt = buildPrompt(agent, task, payload.input, {
    branchPrefix: deps.branchPrefix,
    maxFixAttempts: deps.maxFixAttempts,
  });
  const total = { ...ZERO_USAGE, usd: 0, invocations: 0 };

  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const current = await deps.tasks.require(task.taskId);
    const remaining = await remainingBudget(deps, current);
    let usage: TokenUsage = ZERO_USAGE;
    const controller = new AbortController();
    let overBudget: BudgetExceededError | undefined;
    await deps.timeline.append(task.taskId, {
      type: 'agent.invoked',
      message: attempt === 1 ? `${agent} agent invoked` : `${agent} agent asked to correct its output`,
      data: { agent, attempt, sessionId },
    });
    let text: string | undefined;
    let failure: unknown;
    try {
      const reply = await deps.runtime.invoke({
        agent,
        sessionId,
        prompt,
        sessionAttributes,
        signal: controller.signal,
        onUsage: (delta) => {
          usage = addUsage(usage, delta);
          // Stops an agent that loops: the stream is abandoned as soon as the spend reaches what is left.
          if (overBudget === undefined && priceUsage(deps.budget.price, usage) >= remaining) {
            overBudget = new BudgetExceededError(
              `${agent} agent stopped after spending the remaining budget (${round(remaining)} USD)`,
            );
            controller.abort(overBudget);
          }
        },
      });
      text = reply.text;
    } catch (error) {
      failure = error;
    } finally {
      const usd = priceUsage(deps.budget.price, usage);
      total.inputTokens += usage.inputTokens;
      total.outputTokens += usage.outputTokens;
      total.usd = round(total.usd + usd);
      total.invocations += 1;
      if (usage.inputTokens + usage.outputTokens > 0) {
        const totals = await deps.costs.record({
          taskId: task.taskId,
          agent,
          model: deps.budget.modelId,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          usd,
        });
        await deps.timeline.append(task.taskId, {
          type: 'agent.cost',
          message: `${agent}: ${usage.inputTokens} input + ${usage.outputTokens} output tokens = ${usd} USD (task total ${round(totals.taskTotalUsd)} USD)`,
          data: {
            agent,
            attempt,
            ...usage,
            usd,
            model: deps.budget.modelId,
            taskTotalUsd: totals.taskTotalUsd,
          },
        });
      }
    }
    if (overBudget !== undefined) throw overBudget;
    if (failure !== undefined) {
      log.warn({ err: failure, attempt }, 'agent invocation failed');
      throw failure;
    }
    const checked = deps.validator.check(agent, text ?? '');
    const problems = checked.ok ? await commitProblems(deps, task.taskId, agent, checked.output) : [];
    const check = problems.length === 0 ? checked : { ok: false as const, problems };
    if (check.ok) {
      const updated = await moveTo(deps, payload, payload.status, {
        patch: patchFor(agent, check.output, payload.input),
      });
      log.info({ usage: total }, 'agent step done');
      return { agent, output: check.output, work: workOf(updated), usage: total };
    }
    log.warn({ attempt, problems: check.problems }, 'agent output invalid');
    if (attempt === 2) throw new InvalidAgentOutputError(agent, check.problems);
    prompt = correctivePrompt(agent, check.problems);
  }
  // Unreachable: the loop returns or throws on its second pass.
  throw new InvalidAgentOutputError(agent, ['no attempt made']);
};
