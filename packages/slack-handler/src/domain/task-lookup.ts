import type { TaskRepository } from '@enterprise-agents/core/db';
import { type Task, TaskSource } from '@enterprise-agents/core/domain';
import { isTaskId } from './commands';

// A key names one task per source; Jira keys are the common case, then Sentry short ids and PRs.
const SOURCES = [TaskSource.Jira, TaskSource.Sentry, TaskSource.GitHub, TaskSource.Slack] as const;

/** Finds a task by id or external key (the current task of that key). */
export const findTask = async (tasks: TaskRepository, ref: string): Promise<Task | undefined> => {
  if (isTaskId(ref)) return tasks.get(ref);
  for (const source of SOURCES) {
    const task = await tasks.findByExternalKey(source, ref);
    if (task !== undefined) return task;
  }
  return undefined;
};
