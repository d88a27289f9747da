export * from './stack';
export { type DemoReport, formatReport, runDemo } from './stack/demo';
export { clickButton, sendJiraIssueCreated, waitForApprovalMessage } from './stack/drive';
export * from './workflow';
