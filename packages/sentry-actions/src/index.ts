export { nextCursor, SentryRestClient, type SentryRestOptions } from './adapters/sentry-rest';
export { parseSentryToken, readConfig, type SentryActionsConfig } from './config';
export { createHandler, type SentryActionsDeps, sentryOperations } from './create-handler';
export type { SentryToolDeps } from './domain/operations';
export type { SentryEvent, SentryIssue, SentryPort } from './domain/ports';
export { type CondensedException, condenseExceptions, condenseFrames } from './domain/stack-trace';
export { SENTRY_ACTION_GROUPS } from './schemas';
