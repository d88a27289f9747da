export { type ActionPayload, dispatchEvent, isActionPayload, isHttpEvent } from './dispatch';
export { lazyHandler } from './lazy-handler';
export { guardUpstream, mapUpstreamError, type UpstreamRefusals } from './upstream-errors';
