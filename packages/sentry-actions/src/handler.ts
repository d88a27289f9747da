import { createLogger, SecretsManagerStore } from '@enterprise-agents/core';
import { SentryRestClient } from './adapters/sentry-rest';
import { parseSentryToken, readConfig } from './config';
import { createHandler } from './create-handler';

const logger = createLogger({ service: 'sentry-actions' });

type Handler = ReturnType<typeof createHandler>;
let ready: Handler | undefined;

// Built on the first invocation and kept for the container, so importing never throws.
const build = (): Handler => {
  const config = readConfig();
  const secrets = new SecretsManagerStore({}, config.secretsCacheSeconds * 1000);
  return createHandler({
    sentry: new SentryRestClient({
      apiUrl: config.sentryApiUrl,
      org: config.sentryOrg,
      authToken: async () => parseSentryToken(await secrets.getJson(config.sentrySecretArn)),
      logger,
    }),
    logger,
  });
};

/** Lambda entry point (Bedrock action group). */
export const handler = async (event: unknown) => {
  ready ??= build();
  return ready(event);
};
