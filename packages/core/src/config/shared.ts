import { DEFAULT_BRANCH_PREFIX } from '../domain/constants';
import { ConfigError } from '../errors/errors';
import type { EnvReader } from './env';

/** Pino's levels, the values Terraform's `log_level` accepts. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A number variable: default, inclusive range, and whether it must be whole. */
export interface NumberRule {
  kind: 'number';
  /** The Terraform variable that sets it (`variables.tf`). */
  terraform: string;
  default: number;
  min: number;
  max: number;
  /** Terraform checks `floor(x) == x`. */
  integer: boolean;
}

/** A variable with a fixed set of values. */
export interface EnumRule {
  kind: 'enum';
  terraform: string;
  default: string;
  values: readonly string[];
}

/** A string variable: required unless it has a default. */
export interface StringRule {
  kind: 'string';
  /** Undefined when Terraform sets it from a resource rather than a variable. */
  terraform: string | undefined;
  default?: string;
}

/** A comma-separated list (a Terraform `list(string)` joined with commas). */
export interface ListRule {
  kind: 'list';
  terraform: string;
}

export type SharedVariableRule = NumberRule | EnumRule | StringRule | ListRule;

/**
 * The variables more than one Lambda reads, with the one rule each is read by. Ranges,
 * value sets and defaults equal Terraform's validation in `infrastructure/terraform/variables.tf`
 * (`infrastructure/tests/shared-config-ranges.test.ts` keeps the two in step), so a value
 * Terraform accepts never fails a Lambda at cold start.
 */
export const SHARED_VARIABLES = {
  TABLE_NAME: { kind: 'string', terraform: undefined },
  LOG_LEVEL: { kind: 'enum', terraform: 'log_level', default: 'info', values: LOG_LEVELS },
  // Terraform accepts fractions here (milliseconds are meaningful), so the Lambdas do too.
  SECRETS_CACHE_SECONDS: {
    kind: 'number',
    terraform: 'secrets_cache_seconds',
    default: 300,
    min: 0,
    max: 3600,
    integer: false,
  },
  MAX_FIX_ATTEMPTS: {
    kind: 'number',
    terraform: 'max_fix_attempts',
    default: 3,
    min: 1,
    max: 10,
    integer: true,
  },
  GITHUB_ORG: { kind: 'string', terraform: 'github_org' },
  GITHUB_API_URL: { kind: 'string', terraform: 'github_api_url', default: 'https://api.github.com' },
  BRANCH_PREFIX: { kind: 'string', terraform: 'branch_prefix', default: DEFAULT_BRANCH_PREFIX },
  JIRA_BASE_URL: { kind: 'string', terraform: 'jira_base_url' },
  JIRA_ALLOWED_PROJECTS: { kind: 'list', terraform: 'jira_allowed_projects' },
} as const satisfies Record<string, SharedVariableRule>;

export type SharedVariable = keyof typeof SHARED_VARIABLES;

const numeric = (env: EnvReader, key: 'SECRETS_CACHE_SECONDS' | 'MAX_FIX_ATTEMPTS'): number => {
  const rule: NumberRule = SHARED_VARIABLES[key];
  const range = { min: rule.min, max: rule.max };
  if (rule.integer) return env.int(key, rule.default, range);
  const value = env.number(key, rule.default);
  if (value < rule.min) throw new ConfigError(`environment variable ${key} must be >= ${rule.min}`);
  if (value > rule.max) throw new ConfigError(`environment variable ${key} must be <= ${rule.max}`);
  return value;
};

/**
 * TABLE_NAME: the one DynamoDB table (required).
 *
 * @param env - the environment reader
 * @example
 * readTableName(new EnvReader({ TABLE_NAME: 'tasks' })); // 'tasks'
 */
export const readTableName = (env: EnvReader): string => env.string('TABLE_NAME');

/**
 * LOG_LEVEL: one of {@link LOG_LEVELS}, `info` by default.
 *
 * @param env - the environment reader
 * @example
 * readLogLevel(new EnvReader({})); // 'info'
 */
export const readLogLevel = (env: EnvReader): LogLevel =>
  env.oneOf('LOG_LEVEL', LOG_LEVELS, SHARED_VARIABLES.LOG_LEVEL.default);

/**
 * SECRETS_CACHE_SECONDS: how long a container keeps a secret value (0..3600 seconds, default 300).
 *
 * @param env - the environment reader
 * @example
 * readSecretsCacheSeconds(new EnvReader({ SECRETS_CACHE_SECONDS: '60' })); // 60
 */
export const readSecretsCacheSeconds = (env: EnvReader): number => numeric(env, 'SECRETS_CACHE_SECONDS');

/**
 * MAX_FIX_ATTEMPTS: CI/CD agent runs per task run (1..10, default 3).
 *
 * @param env - the environment reader
 * @example
 * readMaxFixAttempts(new EnvReader({})); // 3
 */
export const readMaxFixAttempts = (env: EnvReader): number => numeric(env, 'MAX_FIX_ATTEMPTS');

/**
 * GITHUB_ORG, required: the only organization the agents may touch.
 *
 * @param env - the environment reader
 * @example
 * readGitHubOrg(new EnvReader({ GITHUB_ORG: 'acme' })); // 'acme'
 */
export const readGitHubOrg = (env: EnvReader): string => env.string('GITHUB_ORG');

/**
 * GITHUB_ORG where it is optional (the webhook handler, the invoker's output checks).
 *
 * @param env - the environment reader
 * @example
 * readOptionalGitHubOrg(new EnvReader({})); // undefined
 */
export const readOptionalGitHubOrg = (env: EnvReader): string | undefined => env.optionalString('GITHUB_ORG');

/**
 * GITHUB_API_URL: `https://api.github.com` by default (GitHub Enterprise Server, or a sandbox, otherwise).
 *
 * @param env - the environment reader
 * @example
 * readGitHubApiUrl(new EnvReader({})); // 'https://api.github.com'
 */
export const readGitHubApiUrl = (env: EnvReader): string =>
  env.string('GITHUB_API_URL', SHARED_VARIABLES.GITHUB_API_URL.default);

/**
 * BRANCH_PREFIX: the prefix of every branch the agents create (default `agent/`). A blank or
 * one-character prefix is refused: it would make (nearly) every branch writable.
 *
 * @param env - the environment reader
 * @example
 * readBranchPrefix(new EnvReader({ BRANCH_PREFIX: 'bot/' })); // 'bot/'
 */
export const readBranchPrefix = (env: EnvReader): string => {
  const prefix = env.string('BRANCH_PREFIX', SHARED_VARIABLES.BRANCH_PREFIX.default);
  if (prefix.trim() !== prefix || prefix.length < 2)
    throw new ConfigError('BRANCH_PREFIX must be a non-blank prefix such as agent/');
  return prefix;
};

const checkJiraBaseUrl = (url: string): string => {
  if (!/^https?:\/\/[^/\s]+/.test(url))
    throw new ConfigError('JIRA_BASE_URL must be a URL like https://your-site.atlassian.net');
  return url.replace(/\/+$/, '');
};

/**
 * JIRA_BASE_URL, required: the Jira site, without a trailing slash.
 *
 * @param env - the environment reader
 * @example
 * readJiraBaseUrl(new EnvReader({ JIRA_BASE_URL: 'https://acme.atlassian.net/' })); // 'https://acme.atlassian.net'
 */
export const readJiraBaseUrl = (env: EnvReader): string => checkJiraBaseUrl(env.string('JIRA_BASE_URL'));

/**
 * JIRA_BASE_URL where it is optional (the webhook handler takes the site from the issue otherwise).
 *
 * @param env - the environment reader
 * @example
 * readOptionalJiraBaseUrl(new EnvReader({})); // undefined
 */
export const readOptionalJiraBaseUrl = (env: EnvReader): string | undefined => {
  const url = env.optionalString('JIRA_BASE_URL');
  return url === undefined ? undefined : checkJiraBaseUrl(url);
};

/**
 * JIRA_ALLOWED_PROJECTS: project keys the agents may work in; empty means all.
 *
 * @param env - the environment reader
 * @example
 * readJiraAllowedProjects(new EnvReader({ JIRA_ALLOWED_PROJECTS: 'PAY, OPS' })); // ['PAY', 'OPS']
 */
export const readJiraAllowedProjects = (env: EnvReader): string[] => env.list('JIRA_ALLOWED_PROJECTS');

/** What every Lambda reads besides its own variables (docs/contracts.md, "Environment variables"). */
export interface SharedConfig {
  logLevel: LogLevel;
  /** SECRETS_CACHE_SECONDS. */
  secretsCacheSeconds: number;
}

/**
 * LOG_LEVEL and SECRETS_CACHE_SECONDS, the part of every Lambda's configuration that is the same
 * everywhere; each package's `readConfig` spreads it into its own.
 *
 * @param env - the environment reader
 * @example
 * const config = { ...readSharedConfig(env), tableName: readTableName(env), eventBusName: env.string('EVENT_BUS_NAME') };
 */
export const readSharedConfig = (env: EnvReader): SharedConfig => ({
  logLevel: readLogLevel(env),
  secretsCacheSeconds: readSecretsCacheSeconds(env),
});
