import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { type Env, EnvReader } from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';
import { type LocalSettings, readLocalSettings } from '../stack/config';
import { CiPolicies, type CiPolicy } from '../stack/sandbox-ci';

export const CI_POLICIES = {
  green: CiPolicies.alwaysGreen,
  'red-then-green': CiPolicies.redThenGreen,
  red: CiPolicies.alwaysRed,
} as const satisfies Record<string, CiPolicy>;
export type CiPolicyName = keyof typeof CI_POLICIES;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Command-line flags of `make dev` (`node scripts/local.mjs dev [flags]`). */
export interface DevArgs {
  dataDir?: string;
  /** `.env` to read; false with --no-env-file. */
  envFile?: string | false;
  help: boolean;
}

export const USAGE = `usage: node scripts/local.mjs dev [--data-dir <dir>] [--env-file <file> | --no-env-file]

  --data-dir <dir>    keep the embedded database in <dir> across restarts (or DATA_DIR)
  --env-file <file>   read variables from <file> instead of .env at the repository root
  --no-env-file       read no .env file (the environment only)

Every variable, its local default and what it does: .env.example`;

/** Parses the flags; unknown flags are an error (a typo should not start a different stack). */
export const parseDevArgs = (argv: readonly string[]): DevArgs => {
  const args: DevArgs = { help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      if (inline === undefined) i += 1;
      const next = inline ?? argv[i];
      if (next === undefined || next === '') throw new ConfigError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--data-dir') args.dataDir = value();
    else if (flag === '--env-file') args.envFile = value();
    else if (flag === '--no-env-file') args.envFile = false;
    else if (flag === '--help' || flag === '-h') args.help = true;
    else throw new ConfigError(`unknown option ${arg}\n${USAGE}`);
  }
  return args;
};

/** The repository root: the first directory above this module holding packages/local. */
export const repoRoot = (from: string = dirname(fileURLToPath(import.meta.url))): string => {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'packages', 'local'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
};

/**
 * The environment of the stack: the `.env` file's variables (node's own parser,
 * `util.parseEnv`: KEY=value, quotes, `#` comments, `export`), overridden by the
 * real environment. A missing default file is fine; a missing named file is not.
 */
export const loadEnv = (
  processEnv: Env,
  file: string | false | undefined,
  root: string = repoRoot(),
): { env: Env; file: string | undefined } => {
  if (file === false) return { env: { ...processEnv }, file: undefined };
  const path = resolve(file ?? join(root, '.env'));
  if (!existsSync(path)) {
    if (file !== undefined) throw new ConfigError(`--env-file ${file} does not exist`);
    return { env: { ...processEnv }, file: undefined };
  }
  const fromFile = parseEnv(readFileSync(path, 'utf8')) as Env;
  return { env: { ...fromFile, ...processEnv }, file: path };
};

/** Everything `make dev` runs with. */
export interface DevConfig {
  host: string;
  port: number;
  dataDir: string | undefined;
  ciName: CiPolicyName;
  ci: CiPolicy;
  logLevel: (typeof LOG_LEVELS)[number];
  settings: LocalSettings;
}

/** Reads the dev server's variables and the stack's settings; ConfigError names the variable at fault. */
export const readDevConfig = (env: Env, args: Pick<DevArgs, 'dataDir'> = {}): DevConfig => {
  const read = new EnvReader(env);
  const host = read.string('HOST', '127.0.0.1');
  if (!/^[\w.:-]+$/.test(host))
    throw new ConfigError(`environment variable HOST must be an address, got "${host}"`);
  const port = read.int('PORT', 3000, { min: 0, max: 65_535 });
  const ciName = read.oneOf('LOCAL_CI', Object.keys(CI_POLICIES) as CiPolicyName[], 'red-then-green');
  const dataDir = args.dataDir ?? read.optionalString('DATA_DIR');
  return {
    host,
    port,
    dataDir,
    ciName,
    ci: CI_POLICIES[ciName],
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'warn'),
    settings: readLocalSettings(env),
  };
};

/** Whether an address only accepts connections from this machine. */
export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
