export { DynamoTaskReader } from './adapters/dynamo-task-reader';
export { type JiraCredentials, JiraRestClient, type JiraRestOptions } from './adapters/jira-rest';
export { type JiraActionsConfig, parseJiraSecret, readConfig } from './config';
export {
  createHandler,
  type JiraActionsDeps,
  type JiraActionsEvent,
  jiraOperations,
} from './create-handler';
export {
  CommentErrorName,
  type CommentOnIssueEvent,
  type CommentOnIssueResult,
  commentMarker,
  commentOnIssue,
  type FinalCommentDeps,
  FinalKind,
  finalCommentBody,
  JiraCommentError,
  parseCommentOnIssue,
} from './domain/final-comment';
export { checkIssueKey, type JiraToolDeps } from './domain/operations';
export type { AuditLog, JiraComment, JiraIssue, JiraPort, JiraTransition, TaskReader } from './domain/ports';
export { JIRA_ACTION_GROUPS } from './schemas';
