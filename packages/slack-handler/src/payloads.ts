import type { PlanSummary, RequestApprovalInput } from './domain/approvals';
import { type FailedJobRef, type NotifyInput, NotifyKind } from './domain/notifications';
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

const optNum = (obj: Obj, key: string, where: string): number | undefined => {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InvalidPayloadError(`${where}.${key} must be a number`);
  return value;
};

const int = (obj: Obj, key: string, where: string): number => {
  const value = optInt(obj, key, where);
  if (value === undefined) throw new InvalidPayloadError(`${where}.${key} is required`);
  return value;
};

const optStrings = (obj: Obj, key: string, where: string): string[] | undefined => {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    throw new InvalidPayloadError(`${where}.${key} must be an array of strings`);
  return value as string[];
};

const defined = <T extends Obj>(obj: T): T =>
  Object.fromEntries(Object.entries(obj).filter(([, value]) => value !== undefined)) as T;

/** `{action:'requestApproval', taskToken, taskId, runId, plan:{...}}` */
export const parseRequestApproval = (event: Obj): RequestApprovalInput => {
  const plan = event.plan;
  if (!isObj(plan)) throw new InvalidPayloadError('requestApproval.plan must be an object');
  const scope = plan.estimatedScope;
  const parsedPlan: PlanSummary = defined({
    summary: typeof plan.summary === 'string' ? plan.summary : '(no summary)',
    prUrl: optStr(plan, 'prUrl', 'plan'),
    prNumber: optInt(plan, 'prNumber', 'plan'),
    repo: optStr(plan, 'repo', 'plan'),
    branch: optStr(plan, 'branch', 'plan'),
    repositories: optStrings(plan, 'repositories', 'plan'),
    // The planning agent may give the scope as text or as a structured object.
    estimatedScope:
      scope === undefined || scope === null
        ? undefined
        : typeof scope === 'string'
          ? scope
          : JSON.stringify(scope),
  });
  return {
    taskToken: str(event, 'taskToken', 'requestApproval'),
    taskId: str(event, 'taskId', 'requestApproval'),
    runId: int(event, 'runId', 'requestApproval'),
    plan: parsedPlan,
  };
};

const KINDS = new Set<string>(Object.values(NotifyKind));

const failedJobs = (value: unknown): FailedJobRef[] | undefined => {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new InvalidPayloadError('notify.failedJobs must be an array');
  return value.map((job) => {
    if (typeof job === 'string') return { name: job };
    if (!isObj(job) || typeof job.name !== 'string')
      throw new InvalidPayloadError('notify.failedJobs[] needs a name');
    return defined({
      name: job.name,
      url: typeof job.url === 'string' ? job.url : typeof job.htmlUrl === 'string' ? job.htmlUrl : undefined,
      conclusion: typeof job.conclusion === 'string' ? job.conclusion : undefined,
    });
  });
};

/** `{action:'notify', taskId, kind, ...details}` */
export const parseNotify = (event: Obj): NotifyInput => {
  const kind = str(event, 'kind', 'notify');
  if (!KINDS.has(kind)) throw new InvalidPayloadError(`notify.kind must be one of ${[...KINDS].join(', ')}`);
  return defined({
    taskId: str(event, 'taskId', 'notify'),
    kind: kind as NotifyKind,
    runId: optInt(event, 'runId', 'notify'),
    attempt: optInt(event, 'attempt', 'notify'),
    maxAttempts: optInt(event, 'maxAttempts', 'notify'),
    failedJobs: failedJobs(event.failedJobs),
    reason: optStr(event, 'reason', 'notify'),
    prUrl: optStr(event, 'prUrl', 'notify'),
    summary: optStr(event, 'summary', 'notify'),
    by: optStr(event, 'by', 'notify'),
    costUsd: optNum(event, 'costUsd', 'notify'),
    budgetUsd: optNum(event, 'budgetUsd', 'notify'),
    notificationId: optStr(event, 'notificationId', 'notify'),
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
