export {
  LOCAL_DEFAULTS,
  LOCAL_SECRETS,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from './create-stack';
export { type HttpHandler, type RouteTable, startHttpServer, toHttpEvent } from './http-server';
export { type CiConclusion, CiPolicies, type CiPolicy, SandboxCi } from './sandbox-ci';
