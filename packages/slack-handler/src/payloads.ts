import { compilePayloadValidator } from '@enterprise-agents/core/workflow';
import notifySchema from '../../../schemas/step-functions/notify.json' with { type: 'json' };
import requestApprovalSchema from '../../../schemas/step-functions/requestApproval.json' with {
  type: 'json',
};
import type { PlanSummary, RequestApprovalInput } from './domain/approvals';
import type { FailedJobRef, NotifyInput, NotifyKind } from './domain/notifications';
import type { FollowUpJob, FollowUpWork, ReplyTarget } from './domain/ports';
import { InvalidPayloadError } from './errors';

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const str = (obj: Obj, key: string, where: string): string => {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidPayloadError(`${where}.${key} must be a non-empty string`);
  return value;
};

const optStr = (obj: Obj, key: string, where: string): string | undefined =>
  obj[key] === undefined || obj[key] === null ? undefined : str(obj, key, where);

const optInt = (obj: Obj, key: string, where: string): number | undefined => {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new InvalidPayloadError(`${where}.${key} must be a non-negative integer`);
  return value;
};

const defined = <T extends Obj>(obj: T): T =>
  Object.fromEntries(Object.entries(obj).filter(([, value]) => value !== undefined)) as T;

/** Optional fields the state machine may send as null (a path to nothing), read as absent. */
type Nullable<T> = { [K in keyof T]?: T[K] | null };

type PlanWire = Nullable<Omit<PlanSummary, 'summary' | 'estimatedScope'>> & {
  summary?: unknown;
  estimatedScope?: unknown;
};
interface RequestApprovalWire {
  action: 'requestApproval';
  taskToken: string;
  taskId: string;
  runId: number;
  plan: PlanWire;
}
type FailedJobWire = string | { name: string; url?: unknown; htmlUrl?: unknown; conclusion?: unknown };
type NotifyWire = { action: 'notify'; taskId: string; kind: NotifyKind } & Nullable<
  Omit<NotifyInput, 'taskId' | 'kind' | 'failedJobs'> & { failedJobs: FailedJobWire[] }
>;

const invalid = (message: string): Error => new InvalidPayloadError(message);
const validateRequestApproval = compilePayloadValidator<RequestApprovalWire>(requestApprovalSchema, {
  error: invalid,
});
const validateNotify = compilePayloadValidator<NotifyWire>(notifySchema, { error: invalid });

/** `{action:'requestApproval', taskToken, taskId, runId, plan:{...}}` (schemas/step-functions/requestApproval.json) */
export const parseRequestApproval = (event: unknown): RequestApprovalInput => {
  const { taskToken, taskId, runId, plan } = validateRequestApproval(event);
  const scope = plan.estimatedScope;
  const parsedPlan: PlanSummary = defined({
    summary: typeof plan.summary === 'string' ? plan.summary : '(no summary)',
    prUrl: plan.prUrl ?? undefined,
    prNumber: plan.prNumber ?? undefined,
    repo: plan.repo ?? undefined,
    branch: plan.branch ?? undefined,
    repositories: plan.repositories ?? undefined,
    // The planning agent may give the scope as text or as a structured object.
    estimatedScope:
      scope === undefined || scope === null
        ? undefined
        : typeof scope === 'string'
          ? scope
          : JSON.stringify(scope),
  });
  return { taskToken, taskId, runId, plan: parsedPlan };
};

const failedJob = (job: FailedJobWire): FailedJobRef =>
  typeof job === 'string'
    ? { name: job }
    : defined({
        name: job.name,
        url:
          typeof job.url === 'string' ? job.url : typeof job.htmlUrl === 'string' ? job.htmlUrl : undefined,
        conclusion: typeof job.conclusion === 'string' ? job.conclusion : undefined,
      });

/** `{action:'notify', taskId, kind, ...details}` (schemas/step-functions/notify.json) */
export const parseNotify = (event: unknown): NotifyInput => {
  const p = validateNotify(event);
  return defined({
    taskId: p.taskId,
    kind: p.kind,
    runId: p.runId ?? undefined,
    attempt: p.attempt ?? undefined,
    maxAttempts: p.maxAttempts ?? undefined,
    failedJobs: p.failedJobs?.map(failedJob),
    reason: p.reason ?? undefined,
    prUrl: p.prUrl ?? undefined,
    summary: p.summary ?? undefined,
    by: p.by ?? undefined,
    costUsd: p.costUsd ?? undefined,
    budgetUsd: p.budgetUsd ?? undefined,
    notificationId: p.notificationId ?? undefined,
  });
};

const parseReply = (value: unknown): ReplyTarget => {
  if (!isObj(value)) throw new InvalidPayloadError('commandFollowUp.reply must be an object');
  if (typeof value.responseUrl === 'string') return { responseUrl: value.responseUrl };
  return { channel: str(value, 'channel', 'reply'), user: str(value, 'user', 'reply') };
};

const parseWork = (value: unknown): FollowUpWork => {
  if (!isObj(value)) throw new InvalidPayloadError('commandFollowUp.work must be an object');
  switch (value.kind) {
    case 'decide': {
      if (value.decision !== 'approved' && value.decision !== 'rejected')
        throw new InvalidPayloadError('work.decision must be approved or rejected');
      if (value.via !== 'command' && value.via !== 'button' && value.via !== 'modal')
        throw new InvalidPayloadError('work.via must be command, button or modal');
      return defined({
        kind: 'decide',
        decision: value.decision,
        taskRef: str(value, 'taskRef', 'work'),
        runId: optInt(value, 'runId', 'work'),
        reason: optStr(value, 'reason', 'work'),
        via: value.via,
      });
    }
    case 'stop':
      return { kind: 'stop', taskRef: str(value, 'taskRef', 'work') };
    case 'run':
      return { kind: 'run', key: str(value, 'key', 'work') };
    default:
      throw new InvalidPayloadError('work.kind must be decide, stop or run');
  }
};

/** `{action:'commandFollowUp', userId, reply, work}` (our own asynchronous invocation). */
export const parseFollowUp = (event: Obj): FollowUpJob => ({
  action: 'commandFollowUp',
  userId: str(event, 'userId', 'commandFollowUp'),
  reply: parseReply(event.reply),
  work: parseWork(event.work),
});

export { isObj };
