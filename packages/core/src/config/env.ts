import { ConfigError } from '../errors/errors';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Typed, fail-fast readers over an environment map. Each handler reads its whole
 * configuration once at cold start, so a missing variable fails the deploy smoke
 * test rather than the first real webhook.
 */
export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  string(key: string, defaultValue?: string): string {
    const value = this.env[key];
    if (value !== undefined && value !== '') return value;
    if (defaultValue !== undefined) return defaultValue;
    throw new ConfigError(`missing required environment variable ${key}`);
  }

  optionalString(key: string): string | undefined {
    const value = this.env[key];
    return value === undefined || value === '' ? undefined : value;
  }

  int(key: string, defaultValue?: number, range: { min?: number; max?: number } = {}): number {
    const raw = this.env[key];
    if (raw === undefined || raw === '') {
      if (defaultValue !== undefined) return defaultValue;
      throw new ConfigError(`missing required environment variable ${key}`);
    }
    const value = Number(raw);
    if (!Number.isInteger(value))
      throw new ConfigError(`environment variable ${key} must be an integer, got "${raw}"`);
    if (range.min !== undefined && value < range.min)
      throw new ConfigError(`environment variable ${key} must be >= ${range.min}`);
    if (range.max !== undefined && value > range.max)
      throw new ConfigError(`environment variable ${key} must be <= ${range.max}`);
    return value;
  }

  number(key: string, defaultValue?: number): number {
    const raw = this.env[key];
    if (raw === undefined || raw === '') {
      if (defaultValue !== undefined) return defaultValue;
      throw new ConfigError(`missing required environment variable ${key}`);
    }
    const value = Number(raw);
    if (!Number.isFinite(value))
      throw new ConfigError(`environment variable ${key} must be a number, got "${raw}"`);
    return value;
  }

  bool(key: string, defaultValue = false): boolean {
    const raw = this.env[key];
    if (raw === undefined || raw === '') return defaultValue;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    throw new ConfigError(`environment variable ${key} must be true or false, got "${raw}"`);
  }

  /** Comma-separated list; empty entries dropped. */
  list(key: string, defaultValue: readonly string[] = []): string[] {
    const raw = this.env[key];
    if (raw === undefined || raw.trim() === '') return [...defaultValue];
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], defaultValue?: T): T {
    const value = this.string(key, defaultValue);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(
        `environment variable ${key} must be one of ${allowed.join(', ')}, got "${value}"`,
      );
    }
    return value as T;
  }

  /** A JSON value (e.g. a map of channels per project). */
  json<T>(key: string, defaultValue: T): T {
    const raw = this.env[key];
    if (raw === undefined || raw.trim() === '') return defaultValue;
    try {
      return JSON.parse(raw) as T;
    } catch {
      throw new ConfigError(`environment variable ${key} must be valid JSON`);
    }
  }
}
