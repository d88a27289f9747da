export { type JiraCredentials, JiraRestClient, type JiraRestOptions } from './adapters/jira-rest';
export { type JiraActionsConfig, parseJiraSecret, readConfig } from './config';
export { createHandler, type JiraActionsDeps, jiraOperations } from './create-handler';
export { type AdfNode, adfToText, textToAdf } from './domain/adf';
export { checkIssueKey, type JiraToolDeps } from './domain/operations';
export type { AuditLog, JiraComment, JiraIssue, JiraPort, JiraTransition } from './domain/ports';
export { JIRA_ACTION_GROUPS } from './schemas';
