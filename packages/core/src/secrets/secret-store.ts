import {
  GetSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../errors/errors';
import { type Clock, systemClock } from '../ports/clock';

/** Reads secret values by id. */
export interface SecretStore {
  get(secretId: string): Promise<string>;
  /** A JSON secret (e.g. `{"email":..,"apiToken":..}`). */
  getJson<T extends Record<string, unknown>>(secretId: string): Promise<T>;
}

const parseJsonSecret = <T>(secretId: string, raw: string): T => {
  try {
    return JSON.parse(raw) as T;
  } catch {
    // Never echo the value: it is a secret.
    throw new ConfigError(`secret ${secretId} is not valid JSON`);
  }
};

/**
 * AWS Secrets Manager with an in-memory cache per Lambda container, so a warm
 * invocation does not pay a network call per secret; values refresh after `ttlMs`.
 */
export class SecretsManagerStore implements SecretStore {
  private readonly client: SecretsManagerClient;
  private readonly cache = new Map<string, { value: Promise<string>; expiresAt: number }>();

  constructor(
    config: SecretsManagerClientConfig | SecretsManagerClient = {},
    private readonly ttlMs = 5 * 60 * 1000,
    private readonly clock: Clock = systemClock,
  ) {
    this.client = config instanceof SecretsManagerClient ? config : new SecretsManagerClient(config);
  }

  get(secretId: string): Promise<string> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(secretId);
    if (hit !== undefined && hit.expiresAt > now) return hit.value;
    const value = this.client.send(new GetSecretValueCommand({ SecretId: secretId })).then((out) => {
      if (out.SecretString === undefined || out.SecretString === '') {
        throw new ConfigError(
          `secret ${secretId} has no string value; put one with aws secretsmanager put-secret-value`,
        );
      }
      return out.SecretString;
    });
    // A failed fetch must not be cached, or one throttle would poison the container.
    value.catch(() => this.cache.delete(secretId));
    this.cache.set(secretId, { value, expiresAt: now + this.ttlMs });
    return value;
  }

  async getJson<T extends Record<string, unknown>>(secretId: string): Promise<T> {
    return parseJsonSecret<T>(secretId, await this.get(secretId));
  }
}

/**
 * Secrets from environment variables, for the local stack: the secret id is the
 * variable name (e.g. `GITHUB_TOKEN`).
 */
export class EnvSecretStore implements SecretStore {
  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  async get(secretId: string): Promise<string> {
    const value = this.env[secretId];
    if (value === undefined || value === '')
      throw new ConfigError(`secret ${secretId} is not set in the environment`);
    return value;
  }

  async getJson<T extends Record<string, unknown>>(secretId: string): Promise<T> {
    return parseJsonSecret<T>(secretId, await this.get(secretId));
  }
}
