import { EnvReader } from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';

describe('EnvReader', () => {
  it('reads typed values with defaults', () => {
    const env = new EnvReader({ A: 'x', N: '42', B: 'TRUE', L: ' a, b ,,c ', J: '{"k":"v"}', E: '' });
    expect(env.string('A')).toBe('x');
    expect(env.string('E', 'fallback')).toBe('fallback');
    expect(env.int('N')).toBe(42);
    expect(env.int('MISSING', 7)).toBe(7);
    expect(env.bool('B')).toBe(true);
    expect(env.bool('MISSING', true)).toBe(true);
    expect(env.list('L')).toEqual(['a', 'b', 'c']);
    expect(env.list('MISSING', ['d'])).toEqual(['d']);
    expect(env.json('J', {})).toEqual({ k: 'v' });
    expect(env.optionalString('E')).toBeUndefined();
    expect(env.oneOf('A', ['x', 'y'])).toBe('x');
  });

  it.each([
    [
      'a missing variable',
      (e: EnvReader) => e.string('TABLE_NAME'),
      'missing required environment variable TABLE_NAME',
    ],
    ['a non-integer', (e: EnvReader) => e.int('F'), 'environment variable F must be an integer, got "1.5"'],
    [
      'an integer out of range',
      (e: EnvReader) => e.int('N', undefined, { max: 10 }),
      'environment variable N must be <= 10',
    ],
    ['a bad boolean', (e: EnvReader) => e.bool('A'), 'environment variable A must be true or false, got "x"'],
    ['a value outside the set', (e: EnvReader) => e.oneOf('A', ['y', 'z']), 'must be one of y, z'],
    ['bad JSON', (e: EnvReader) => e.json('A', {}), 'environment variable A must be valid JSON'],
  ])('fails fast on %s, naming the variable', (_name, read, message) => {
    const env = new EnvReader({ A: 'x', F: '1.5', N: '42' });
    expect(() => read(env)).toThrow(ConfigError);
    expect(() => read(env)).toThrow(message);
  });
});
