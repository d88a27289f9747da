import { ConfigError } from '../errors/errors';
import type { GitHubAuth } from './client';

const APP_FIELDS = ['appId', 'privateKey', 'installationId'] as const;

// Ids are numbers in GitHub's UI and often pasted as such; an empty string counts as absent.
const text = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
};

/**
 * The GitHub secret (`GITHUB_SECRET_ARN`, docs/contracts.md): `{"token"}` or, preferred,
 * `{"appId","privateKey","installationId"}`. Any App field makes it an App secret, and then all
 * three are required (a half-configured App is a mistake, never a silent fallback to the
 * token). A private key pasted through a console with literal `\n` gets its line breaks back.
 * The one parser of this secret: the webhook handler, github-actions and the local stack use it.
 *
 * @param secret - the secret's JSON value
 * @param secretId - its ARN, named in the error (never the value)
 * @throws ConfigError naming the expected shape
 * @example
 * parseGitHubSecret({ token: 'ghp_x' }); // { type: 'token', token: 'ghp_x' }
 */
export const parseGitHubSecret = (secret: Record<string, unknown>, secretId?: string): GitHubAuth => {
  const name = secretId === undefined ? 'GitHub secret' : `secret ${secretId}`;
  const app: Record<(typeof APP_FIELDS)[number], string | undefined> = {
    appId: text(secret.appId),
    privateKey:
      typeof secret.privateKey === 'string' && secret.privateKey !== '' ? secret.privateKey : undefined,
    installationId: text(secret.installationId),
  };
  const given = APP_FIELDS.filter((field) => app[field] !== undefined);
  if (given.length > 0) {
    const { appId, privateKey, installationId } = app;
    if (appId === undefined || privateKey === undefined || installationId === undefined) {
      const missing = APP_FIELDS.filter((field) => app[field] === undefined);
      throw new ConfigError(
        `${name} must hold {"token"} or {"appId","privateKey","installationId"}: the GitHub App needs ${missing.join(' and ')}`,
      );
    }
    return {
      type: 'app',
      appId,
      privateKey: privateKey.includes('\\n') ? privateKey.replace(/\\n/g, '\n') : privateKey,
      installationId,
    };
  }
  const token = secret.token;
  if (typeof token === 'string' && token !== '') return { type: 'token', token };
  throw new ConfigError(`${name} must hold {"token"} or {"appId","privateKey","installationId"}`);
};
