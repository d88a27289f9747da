import { BudgetExceededError } from '@enterprise-agents/core/errors';
import {
  AgentInvocationError,
  AgentThrottledError,
  AgentUnavailableError,
  InvokerError,
} from '../domain/errors';
import { asError } from './streamed-turn';

const THROTTLED = new Set([
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'TooManyRequestsException',
]);
const TRANSIENT = new Set([
  'InternalServerException',
  'ServiceUnavailableException',
  'DependencyFailedException',
  'BadGatewayException',
  'ModelStreamErrorException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  // 424 "error while processing the model": model-side, worth the state machine's two retries.
  'ModelErrorException',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * Maps an AWS SDK error, an in-stream exception or a network failure of a
 * Bedrock call to the invoker's named errors: the state machine retries
 * AgentThrottled and AgentUnavailable by name and escalates AgentInvocationFailed.
 * The invoker's own errors and a budget stop pass through.
 */
export const mapAwsError = (call: string, error: unknown): Error => {
  if (error instanceof InvokerError || error instanceof BudgetExceededError) return error;
  const err = asError(error);
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (err as { code?: string }).code;
  const message = `${call} failed: ${err.name}${err.message === '' ? '' : `: ${err.message}`}`;
  if (THROTTLED.has(err.name) || status === 429) return new AgentThrottledError(message, err);
  if (
    TRANSIENT.has(err.name) ||
    (code !== undefined && TRANSIENT.has(code)) ||
    (status !== undefined && status >= 500)
  )
    return new AgentUnavailableError(message, err);
  return new AgentInvocationError(message, err);
};
