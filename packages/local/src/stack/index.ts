export {
  defaultLocalSettings,
  LOCAL_DEFAULTS,
  LOCAL_SECRETS,
  type LocalSettings,
  readLocalSettings,
  SANDBOX_PEOPLE,
  selectVendors,
  type VendorSelection,
} from './config';
export { type LocalStack, type LocalStackOptions, startLocalStack } from './create-stack';
export { type LocalDynamo, startLocalDynamo } from './dynamo';
export {
  type HttpHandler,
  PortInUseError,
  type RouteTable,
  startHttpServer,
  toHttpEvent,
} from './http-server';
export { createInspection, isLocalRequest, listAllTasks, type TaskSummary } from './inspect';
export { type CiConclusion, CiPolicies, type CiPolicy, SandboxCi } from './sandbox-ci';
export { type Sandboxes, seedJiraIssueFromWebhook, startSandboxes } from './sandboxes';
