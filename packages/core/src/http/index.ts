export {
  assertBodySize,
  assertJsonContentType,
  errorResponse,
  type HttpEvent,
  type HttpResult,
  header,
  jsonResponse,
  parseForm,
  parseJsonObject,
  rawBody,
  routeOf,
} from './api-gateway';
export { JsonHttpClient, UpstreamError } from './json-client';
