import { lazyHandler } from '@enterprise-agents/core/lambda';
import { createLogger } from '@enterprise-agents/core/logging';
import { lambdaSecretStore, secretLoader } from '@enterprise-agents/core/secrets';
import { SentryRestClient } from './adapters/sentry-rest';
import { parseSentryToken, readConfig } from './config';
import { createHandler } from './create-handler';

/** Lambda entry point (Bedrock action group), built on the first invocation (core's lazyHandler). */
export const handler = lazyHandler((): ReturnType<typeof createHandler> => {
  const config = readConfig();
  const logger = createLogger({ service: 'sentry-actions', level: config.logLevel });
  return createHandler({
    sentry: new SentryRestClient({
      apiUrl: config.sentryApiUrl,
      org: config.sentryOrg,
      authToken: secretLoader(lambdaSecretStore(config), config.sentrySecretArn, parseSentryToken),
      logger,
    }),
    logger,
  });
});
