import { ActionError } from '@enterprise-agents/core/bedrock';
import { UpstreamError } from '@enterprise-agents/core/http';
import { guardUpstream, mapUpstreamError, type UpstreamRefusals } from '@enterprise-agents/core/lambda';
import { describe, expect, it } from '@jest/globals';

const refusals: UpstreamRefusals = {
  service: 'acme',
  label: 'Acme',
  notFound: 'not found in Acme; check the id',
  refused: { statuses: [400, 422], as: 400, detail: (error) => String(error.body ?? 'bad request') },
  rateLimited: 'Acme rate limit reached; wait before retrying',
  isRateLimit: (error) => error.status === 403 && /rate limit/.test(error.message),
};

const mapped = (error: unknown): unknown => {
  try {
    return mapUpstreamError('getThing', error, refusals);
  } catch (thrown) {
    return thrown;
  }
};

describe('mapUpstreamError (the one mapping of a vendor’s refusals)', () => {
  it.each([
    [new UpstreamError('acme', 404, 'acme answered 404'), 404, 'getThing: not found in Acme; check the id'],
    [new UpstreamError('acme', 422, 'x', 'name is taken'), 400, 'getThing: Acme refused: name is taken'],
    [new UpstreamError('acme', 400, 'x'), 400, 'getThing: Acme refused: bad request'],
    [new UpstreamError('acme', 429, 'x'), 429, 'getThing: Acme rate limit reached; wait before retrying'],
    [
      new UpstreamError('acme', 403, 'rate limit'),
      429,
      'getThing: Acme rate limit reached; wait before retrying',
    ],
  ])('maps %s to an answer the model can act on', (error, status, message) => {
    const result = mapped(error);
    expect(result).toBeInstanceOf(ActionError);
    expect(result).toMatchObject({ statusCode: status, message });
  });

  it.each([
    ['an outage', new UpstreamError('acme', 503, 'down')],
    ['an auth failure', new UpstreamError('acme', 401, 'bad token')],
    ['another vendor', new UpstreamError('other', 404, 'gone')],
    ['a bug', new TypeError('x is undefined')],
  ])('lets %s through unchanged', (_what, error) => {
    expect(mapped(error)).toBe(error);
  });

  it('guards operations, passing arguments and context', async () => {
    const guarded = guardUpstream(refusals);
    const ok = guarded('getThing', async (args: { id: string }, ctx) => `${args.id} ${ctx.taskId}`);
    const ctx = { taskId: 't1' } as Parameters<typeof ok>[1];
    expect(await ok({ id: 'a' }, ctx)).toBe('a t1');
    const missing = guarded('getThing', async () => {
      throw new UpstreamError('acme', 404, 'gone');
    });
    await expect(missing({}, ctx)).rejects.toThrow('getThing: not found in Acme');
  });
});
