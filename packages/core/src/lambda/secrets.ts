import type { SharedConfig } from '../config/shared';
import { type SecretStore, SecretsManagerStore } from '../secrets/secret-store';

/**
 * The secret store of a Lambda: Secrets Manager, each value cached for SECRETS_CACHE_SECONDS.
 *
 * @param config - the Lambda's configuration (its shared part)
 * @example
 * const secrets = lambdaSecretStore(config);
 */
export const lambdaSecretStore = (config: Pick<SharedConfig, 'secretsCacheSeconds'>): SecretStore =>
  new SecretsManagerStore({}, config.secretsCacheSeconds * 1000);

/**
 * One secret, read through the store on every call and parsed; what `parse` derives from it
 * (credentials, an API client) is kept until the secret's value changes. Every Lambda reads
 * its secrets this way, so a rotated secret is picked up everywhere within the store's cache
 * time (SECRETS_CACHE_SECONDS), and a failed read or parse is tried again on the next call.
 *
 * @param store - where the secret is read (cached per container)
 * @param secretId - its ARN (or, locally, its environment variable)
 * @param parse - checks the JSON value and derives what the caller needs
 * @example
 * const credentials = secretLoader(secrets, config.jiraSecretArn, parseJiraSecret);
 * const { email, apiToken } = await credentials();
 */
export const secretLoader = <T>(
  store: SecretStore,
  secretId: string,
  parse: (secret: Record<string, unknown>) => T,
): (() => Promise<T>) => {
  let last: { key: string; value: T } | undefined;
  return async () => {
    const secret = await store.getJson<Record<string, unknown>>(secretId);
    const key = JSON.stringify(secret);
    if (last?.key === key) return last.value;
    const value = parse(secret);
    last = { key, value };
    return value;
  };
};
