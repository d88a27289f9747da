import { describe, expect, it } from '@jest/globals';
import type { SentryEvent } from '../../src/domain/ports';
import { condenseExceptions, condenseFrames, requestSummary } from '../../src/domain/stack-trace';
import { nodeEvent } from '../fixtures';

describe('condenseFrames', () => {
  it('puts in-app frames first, innermost first, then library frames', () => {
    const out = condenseExceptions({ eventID: 'e', ...nodeEvent } as SentryEvent, 20)[0];
    expect(out?.frames.map((f) => `${f.filename}:${f.lineno}`)).toEqual([
      'src/db/users.ts:12',
      'src/routes/login.ts:31',
      'node_modules/pg/lib/client.js:520',
      'node_modules/express/lib/router/layer.js:95',
      'node:internal/process/task_queues:95',
    ]);
    expect(out?.frames[1]).toEqual({
      filename: 'src/routes/login.ts',
      function: 'loginRoute',
      lineno: 31,
      contextLine: 'return session.create(user.id);',
      inApp: true,
    });
  });

  it('caps frames and says how many were left out', () => {
    const frames = Array.from({ length: 30 }, (_, i) => ({
      filename: `f${i}.js`,
      lineno: i,
      in_app: i % 2 === 0,
      context_line: `line ${i}`,
    }));
    const out = condenseFrames(frames, 5);
    expect(out.omitted).toBe(25);
    expect(out.frames.map((f) => f.filename)).toEqual(['f28.js', 'f26.js', 'f24.js', 'f22.js', 'f20.js']);
    expect(out.frames[0]?.contextLine).toBe('line 28');
  });

  it('lists chained exceptions with the last raised first', () => {
    const event: SentryEvent = {
      eventID: 'x',
      entries: [
        {
          type: 'exception',
          data: {
            values: [
              { type: 'CauseError', value: 'root' },
              { type: 'WrapperError', value: 'outer' },
            ],
          },
        },
      ],
    };
    expect(condenseExceptions(event, 5).map((e) => e.type)).toEqual(['WrapperError', 'CauseError']);
  });

  it('summarises the request without headers, cookies or query string', () => {
    expect(requestSummary({ eventID: 'e', ...nodeEvent } as SentryEvent)).toBe(
      'POST https://app.example.com/login',
    );
  });
});
