import { ConfigError } from '@enterprise-agents/core/errors';
import { lazyHandler } from '@enterprise-agents/core/lambda';
import { describe, expect, it } from '@jest/globals';

describe('lazyHandler (the one Lambda skeleton)', () => {
  it('builds on the first invocation, once, and passes the event and the context on', async () => {
    let builds = 0;
    const handler = lazyHandler(() => {
      builds += 1;
      return async (event: number, context?: { left: number }) => event + (context?.left ?? 0);
    });
    expect(builds).toBe(0);
    const [a, b] = await Promise.all([handler(1, { left: 10 }), handler(2)]);
    expect([a, b, builds]).toEqual([11, 2, 1]);
    expect(await handler(3)).toBe(3);
    expect(builds).toBe(1);
  });

  it.each([
    ['a synchronous', () => Promise.resolve()],
    ['an asynchronous', () => new Promise<void>((resolve) => setImmediate(resolve))],
  ])('does not cache %s failed build', async (_kind, pause) => {
    let configured = false;
    let builds = 0;
    const handler = lazyHandler(async () => {
      builds += 1;
      await pause();
      if (!configured) throw new ConfigError('missing required environment variable TABLE_NAME');
      return async (event: string) => `ok ${event}`;
    });
    await expect(handler('a')).rejects.toThrow('TABLE_NAME');
    await expect(handler('b')).rejects.toThrow(ConfigError);
    configured = true;
    expect(await handler('c')).toBe('ok c');
    expect(await handler('d')).toBe('ok d');
    expect(builds).toBe(3);
  });

  it('answers with onBuildError instead of throwing, and builds again afterwards', async () => {
    let fail = true;
    const handler = lazyHandler(
      () => {
        if (fail) throw new ConfigError('EVENT_BUS_NAME');
        return async (path: string) => `served ${path}`;
      },
      { onBuildError: (error, path) => `unavailable ${path}: ${(error as Error).message}` },
    );
    expect(await handler('/health')).toBe('unavailable /health: EVENT_BUS_NAME');
    fail = false;
    expect(await handler('/health')).toBe('served /health');
  });

  it('lets errors of the built handler through, without building again', async () => {
    let builds = 0;
    const handler = lazyHandler(() => {
      builds += 1;
      return async () => {
        throw new Error('boom');
      };
    });
    await expect(handler(undefined)).rejects.toThrow('boom');
    await expect(handler(undefined)).rejects.toThrow('boom');
    expect(builds).toBe(1);
  });
});
