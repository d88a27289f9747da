export { GITHUB_SIGNATURE_HEADER, verifyGitHubSignature } from './github';
export { hmacSha256Hex, type VerifyResult } from './hmac';
export { JIRA_SIGNATURE_HEADER, verifyJiraSignature } from './jira';
export { SENTRY_SIGNATURE_HEADER, verifySentrySignature } from './sentry';
export {
  SLACK_SIGNATURE_HEADER,
  SLACK_TIMESTAMP_HEADER,
  signSlackRequest,
  verifySlackSignature,
} from './slack';
