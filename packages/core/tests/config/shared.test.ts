import {
  EnvReader,
  LOG_LEVELS,
  readBranchPrefix,
  readGitHubApiUrl,
  readJiraAllowedProjects,
  readJiraBaseUrl,
  readMaxFixAttempts,
  readOptionalJiraBaseUrl,
  readSecretsCacheSeconds,
  readSharedConfig,
  readTableName,
  SHARED_VARIABLES,
} from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';
import { describe, expect, it } from '@jest/globals';

const env = (values: Record<string, string>) => new EnvReader(values);

describe('shared configuration (one reader per shared variable)', () => {
  it('reads the defaults of the rules', () => {
    expect(readSharedConfig(env({}))).toEqual({ logLevel: 'info', secretsCacheSeconds: 300 });
    expect(readMaxFixAttempts(env({}))).toBe(SHARED_VARIABLES.MAX_FIX_ATTEMPTS.default);
    expect(readGitHubApiUrl(env({}))).toBe('https://api.github.com');
    expect(readBranchPrefix(env({}))).toBe('agent/');
    expect(readJiraAllowedProjects(env({}))).toEqual([]);
    expect(readOptionalJiraBaseUrl(env({}))).toBeUndefined();
  });

  it('reads set values', () => {
    const read = env({
      TABLE_NAME: 'tasks',
      LOG_LEVEL: 'debug',
      SECRETS_CACHE_SECONDS: '0',
      MAX_FIX_ATTEMPTS: '10',
      BRANCH_PREFIX: 'bot/',
      JIRA_BASE_URL: 'https://acme.atlassian.net/',
      JIRA_ALLOWED_PROJECTS: 'PAY, OPS',
    });
    expect(readTableName(read)).toBe('tasks');
    expect(readSharedConfig(read)).toEqual({ logLevel: 'debug', secretsCacheSeconds: 0 });
    expect(readMaxFixAttempts(read)).toBe(10);
    // Terraform accepts a fraction of a second here, so the readers do.
    expect(readSecretsCacheSeconds(env({ SECRETS_CACHE_SECONDS: '1.5' }))).toBe(1.5);
    expect(readBranchPrefix(read)).toBe('bot/');
    expect(readJiraBaseUrl(read)).toBe('https://acme.atlassian.net');
    expect(readJiraAllowedProjects(read)).toEqual(['PAY', 'OPS']);
  });

  it.each([
    [{ MAX_FIX_ATTEMPTS: '0' }, readMaxFixAttempts, 'environment variable MAX_FIX_ATTEMPTS must be >= 1'],
    [{ MAX_FIX_ATTEMPTS: '11' }, readMaxFixAttempts, 'environment variable MAX_FIX_ATTEMPTS must be <= 10'],
    [{ MAX_FIX_ATTEMPTS: 'three' }, readMaxFixAttempts, 'MAX_FIX_ATTEMPTS must be an integer'],
    [{ SECRETS_CACHE_SECONDS: '-1' }, readSecretsCacheSeconds, 'SECRETS_CACHE_SECONDS must be >= 0'],
    [{ SECRETS_CACHE_SECONDS: '3601' }, readSecretsCacheSeconds, 'SECRETS_CACHE_SECONDS must be <= 3600'],
    [{ SECRETS_CACHE_SECONDS: 'soon' }, readSecretsCacheSeconds, 'SECRETS_CACHE_SECONDS must be a number'],
    [{ LOG_LEVEL: 'loud' }, readSharedConfig, `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`],
    [{ BRANCH_PREFIX: ' ' }, readBranchPrefix, 'BRANCH_PREFIX must be a non-blank prefix'],
    [{ BRANCH_PREFIX: '/' }, readBranchPrefix, 'BRANCH_PREFIX must be a non-blank prefix'],
    [{ JIRA_BASE_URL: 'acme' }, readJiraBaseUrl, 'JIRA_BASE_URL must be a URL'],
    [{ JIRA_BASE_URL: 'acme' }, readOptionalJiraBaseUrl, 'JIRA_BASE_URL must be a URL'],
    [{}, readTableName, 'missing required environment variable TABLE_NAME'],
  ])('refuses %j with a ConfigError naming the variable', (values, reader, message) => {
    expect(() => reader(env(values))).toThrow(ConfigError);
    expect(() => reader(env(values))).toThrow(message);
  });
});
