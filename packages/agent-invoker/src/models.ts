import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ConverseModel } from './adapters/converse-model';
import type { ModelPort } from './domain/model';

/**
 * The Bedrock model port as the Lambda and the local stack build it. The SDK's own
 * retries absorb short throttling bursts; the state machine retries the rest.
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME (read by the SDK) points it elsewhere.
 */
export const bedrockModel = (options: { region?: string } = {}): ModelPort =>
  new ConverseModel(new BedrockRuntimeClient({ maxAttempts: 3, ...options }));
