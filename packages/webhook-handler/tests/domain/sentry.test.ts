import { describe, expect, it } from '@jest/globals';
import { decideSentry, levelRank, topFrames } from '../../src/domain/sentry';
import { fixture } from '../support';

const frame = (name: string, inApp: boolean) => ({
  filename: `${name}.py`,
  function: name,
  lineno: 1,
  in_app: inApp,
});

describe('topFrames', () => {
  it('puts the most recent exception and call first, in-app before library frames, capped at 10', () => {
    const event = {
      exception: {
        values: [
          // The cause: Sentry lists chained exceptions oldest first.
          { stacktrace: { frames: [frame('cause_lib', false), frame('cause_app', true)] } },
          {
            stacktrace: {
              frames: [
                frame('main', true),
                frame('lib_outer', false),
                frame('handler', true),
                frame('lib_inner', false),
              ],
            },
          },
        ],
      },
    };
    expect(topFrames(event).map((f) => f.function)).toEqual([
      'handler',
      'main',
      'cause_app',
      'lib_inner',
      'lib_outer',
      'cause_lib',
    ]);
    const many = {
      exception: {
        values: [{ stacktrace: { frames: Array.from({ length: 40 }, (_, i) => frame(`f${i}`, true)) } }],
      },
    };
    expect(topFrames(many)).toHaveLength(10);
    expect(topFrames(many)[0]?.function).toBe('f39');
  });

  it('skips frames without a location and tolerates junk', () => {
    expect(
      topFrames({ exception: { values: [{ stacktrace: { frames: [{ lineno: 3 }, null, 'x'] } }, 7] } }),
    ).toEqual([]);
    expect(topFrames({ exception: 'nope' })).toEqual([]);
  });
});

describe('levelRank', () => {
  it('orders levels, maps aliases and treats unknown levels as error', () => {
    expect(levelRank('debug')).toBeLessThan(levelRank('info'));
    expect(levelRank('warn')).toBe(levelRank('warning'));
    expect(levelRank('FATAL')).toBe(4);
    expect(levelRank(undefined)).toBe(levelRank('error'));
    expect(levelRank('mystery')).toBe(levelRank('error'));
  });
});

describe('decideSentry', () => {
  it('honours the level threshold', () => {
    const payload = fixture('sentry-issue-created.json');
    expect(decideSentry('issue', payload, 'fatal')).toMatchObject({ kind: 'ignore' });
    expect(decideSentry('issue', payload, 'warning')).toMatchObject({
      kind: 'start',
      deliveryId: 'issue:created:1170820242',
    });
  });

  it('identifies alert deliveries by event id and refuses ids that are not ids', () => {
    const alert = fixture('sentry-event-alert.json');
    expect(decideSentry('event_alert', alert, 'error')).toMatchObject({
      kind: 'start',
      deliveryId: 'event_alert:triggered:e4874d664c3540c1a32eab185f12c5ab',
      task: { externalKey: '1117540176', context: { sentry: { projectSlug: 'front-end' } } },
    });
    const bad = fixture('sentry-event-alert.json');
    ((bad.data as Record<string, Record<string, unknown>>).event as Record<string, unknown>).issue_id =
      'x'.repeat(500);
    expect(() => decideSentry('event_alert', bad, 'error')).toThrow(/issue_id/);
  });
});
