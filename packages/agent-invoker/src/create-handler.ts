import type { CostStore, TaskRepository, TimelineRepository } from '@enterprise-agents/core/db';
import { type Logger, withCorrelation } from '@enterprise-agents/core/logging';
import { type Clock, systemClock } from '@enterprise-agents/core/util';
import type { InvokerConfig } from './config';
import { type InvokeAgentResult, invokeAgent } from './domain/invoke-agent';
import { claimTask, finishTask, recordStep, type WorkView } from './domain/lifecycle';
import { OutputValidator } from './domain/output';
import { InvokerAction, parsePayload } from './domain/payload';
import type { AgentRuntime } from './domain/ports';

/** What the handler needs; tests and the local runner pass fakes or the scripted runtime. */
export interface InvokerDeps {
  tasks: TaskRepository;
  timeline: TimelineRepository;
  costs: CostStore;
  runtime: AgentRuntime;
  logger: Logger;
  config: Pick<
    InvokerConfig,
    'prices' | 'taskBudgetUsd' | 'dailyBudgetUsd' | 'maxFixAttempts' | 'branchPrefix' | 'githubOrg'
  >;
  clock?: Clock;
}

/** The Lambda's result per action (the state machine's ResultSelector reads `$.Payload`). */
export type InvokerResult =
  | { output: Record<string, unknown>; work: WorkView }
  | { status: string; work: WorkView }
  | { status: string; reason: string }
  | InvokeAgentResult;

/** The part of the Lambda context the invoker reads: how long the invocation may still run. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * The agent-invoker Lambda: Step Functions actions claimTask, recordStep,
 * finishTask and invokeAgent. Errors are thrown with the names the state
 * machine's Retry/Catch match (see domain/errors.ts).
 */
export const createHandler = (deps: InvokerDeps) => {
  const clock = deps.clock ?? systemClock;
  const validator = new OutputValidator({
    branchPrefix: deps.config.branchPrefix,
    ...(deps.config.githubOrg === undefined ? {} : { org: deps.config.githubOrg }),
  });
  return async (event: unknown, context?: InvocationContext): Promise<InvokerResult> => {
    const payload = parsePayload(event);
    const logger = withCorrelation(deps.logger, { taskId: payload.taskId });
    const lifecycle = { tasks: deps.tasks, timeline: deps.timeline };
    try {
      switch (payload.action) {
        case InvokerAction.ClaimTask:
          return await claimTask(lifecycle, payload);
        case InvokerAction.RecordStep:
          return await recordStep(lifecycle, payload);
        case InvokerAction.FinishTask:
          return await finishTask(lifecycle, payload);
        case InvokerAction.InvokeAgent:
          return await invokeAgent(
            {
              ...lifecycle,
              costs: deps.costs,
              runtime: deps.runtime,
              validator,
              clock,
              logger,
              budget: {
                prices: deps.config.prices,
                taskBudgetUsd: deps.config.taskBudgetUsd,
                dailyBudgetUsd: deps.config.dailyBudgetUsd,
              },
              branchPrefix: deps.config.branchPrefix,
              maxFixAttempts: deps.config.maxFixAttempts,
            },
            payload,
            () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
          );
      }
    } catch (error) {
      logger.warn({ action: payload.action, err: error }, 'invoker action failed');
      throw error;
    }
  };
};
