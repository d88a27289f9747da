import { describe, expect, it } from '@jest/globals';
import { type AdfNode, adfToText, textToAdf } from '../../src/jira/adf';

const doc = (...content: AdfNode[]): AdfNode => ({ type: 'doc', version: 1, content });
const p = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const t = (text: string, marks?: AdfNode['marks']): AdfNode => ({
  type: 'text',
  text,
  ...(marks ? { marks } : {}),
});

describe('adfToText', () => {
  it('renders the block and inline nodes Jira descriptions use', () => {
    const description = doc(
      { type: 'heading', attrs: { level: 2 }, content: [t('Context')] },
      p(
        t('Login fails for '),
        t('SSO', [{ type: 'strong' }]),
        t(' users, see '),
        t('the log', [{ type: 'link', attrs: { href: 'https://x.example/log' } }]),
        t('.'),
      ),
      p(
        t('call '),
        t('login()', [{ type: 'code' }]),
        { type: 'hardBreak' },
        { type: 'mention', attrs: { id: 'abc', text: '@Jane' } },
      ),
      {
        type: 'bulletList',
        content: [
          { type: 'listItem', content: [p(t('first'))] },
          { type: 'listItem', content: [p(t('second'))] },
        ],
      },
      { type: 'orderedList', attrs: { order: 3 }, content: [{ type: 'listItem', content: [p(t('third'))] }] },
      { type: 'codeBlock', attrs: { language: 'ts' }, content: [t('const a = 1;')] },
      { type: 'blockquote', content: [p(t('quoted'))] },
      { type: 'rule' },
      {
        type: 'table',
        content: [
          {
            type: 'tableRow',
            content: [
              { type: 'tableHeader', content: [p(t('A'))] },
              { type: 'tableCell', content: [p(t('B'))] },
            ],
          },
        ],
      },
      {
        type: 'taskList',
        content: [{ type: 'taskItem', attrs: { state: 'DONE' }, content: [t('done thing')] }],
      },
      { type: 'mediaSingle', content: [{ type: 'media', attrs: { id: 'x' } }] },
      {
        type: 'panel',
        attrs: { panelType: 'info' },
        content: [
          p({ type: 'status', attrs: { text: 'BLOCKED' } }, t(' '), {
            type: 'inlineCard',
            attrs: { url: 'https://card' },
          }),
        ],
      },
    );
    expect(adfToText(description)).toBe(
      [
        '## Context',
        'Login fails for SSO users, see the log (https://x.example/log).',
        'call `login()`\n@Jane',
        '- first\n- second',
        '3. third',
        '```ts\nconst a = 1;\n```',
        '> quoted',
        '---',
        '| A | B |',
        '[x] done thing',
        '[attachment]',
        '[BLOCKED] https://card',
      ].join('\n\n'),
    );
  });

  it('accepts strings, null and option objects (custom fields)', () => {
    expect(adfToText(null)).toBe('');
    expect(adfToText('plain')).toBe('plain');
    expect(adfToText({ value: 'option' })).toBe('option');
    expect(
      adfToText({ type: 'doc', version: 1, content: [{ type: 'unknownNode', content: [t('inside')] }] }),
    ).toBe('inside');
  });
});

describe('adfToText on webhook bodies (untrusted JSON)', () => {
  it('returns plain strings (Jira REST v2 / wiki markup) unchanged', () => {
    expect(adfToText('h1. Title\n* item')).toBe('h1. Title\n* item');
  });

  it('renders nested lists, code, mentions, hard breaks and inline cards', () => {
    const nested = doc(
      { type: 'heading', attrs: { level: 2 }, content: [t('Steps')] },
      {
        type: 'orderedList',
        content: [
          { type: 'listItem', content: [p(t('open'))] },
          {
            type: 'listItem',
            content: [
              p(t('refund')),
              { type: 'bulletList', content: [{ type: 'listItem', content: [p(t('twice'))] }] },
            ],
          },
        ],
      },
      { type: 'codeBlock', attrs: { language: 'ts' }, content: [t('refund(101)')] },
      p(
        t('cc '),
        { type: 'mention', attrs: { id: 'x', text: '@Ana' } },
        { type: 'hardBreak' },
        { type: 'inlineCard', attrs: { url: 'https://example.com/x' } },
      ),
    );
    expect(adfToText(nested)).toBe(
      '## Steps\n\n1. open\n2. refund\n   - twice\n\n```ts\nrefund(101)\n```\n\ncc @Ana\nhttps://example.com/x',
    );
  });

  it('survives hostile nesting without exhausting the stack', () => {
    let deep: Record<string, unknown> = { type: 'text', text: 'bottom' };
    for (let i = 0; i < 10_000; i += 1) deep = { type: 'paragraph', content: [deep] };
    expect(() => adfToText({ type: 'doc', content: [deep] })).not.toThrow();
    expect(adfToText({ type: 'doc', content: [deep] })).toBe('');
    // Within the bound the text is kept.
    let shallow: Record<string, unknown> = { type: 'text', text: 'kept' };
    for (let i = 0; i < 20; i += 1) shallow = { type: 'blockquote', content: [shallow] };
    expect(adfToText({ type: 'doc', content: [shallow] })).toMatch(/kept$/);
  });

  it('drops junk nodes and never throws on malformed values', () => {
    expect(adfToText({ type: 'doc', content: [null, 1, 'x', { type: 'text', text: 5 }] })).toBe('');
    expect(
      adfToText({ type: 'doc', content: [{ type: 'paragraph', content: [{ text: 'no type' }, t('ok')] }] }),
    ).toBe('ok');
    expect(adfToText({ type: 'doc', content: 'not an array' })).toBe('');
    expect(
      adfToText(
        doc(
          p(
            { type: 'date', attrs: { timestamp: '1e30' } },
            { type: 'date', attrs: { timestamp: '1700000000000' } },
            t('x', [null, { type: 'link' }] as unknown as AdfNode['marks']),
          ),
        ),
      ),
    ).toBe('2023-11-14x');
    expect(adfToText(42)).toBe('');
    expect(adfToText(undefined)).toBe('');
    expect(adfToText({ no: 'type' })).toBe('');
    expect(adfToText(['a', t('b')])).toBe('a\nb');
  });
});

describe('textToAdf', () => {
  it('builds paragraphs, hard breaks, code blocks, lists and links', () => {
    const adf = textToAdf(
      'Plan ready: https://github.com/acme/app/pull/1\nsecond line\n\n- a\n- b\n\n```ts\nconst x = 1;\n```\nafter',
    );
    expect(adf).toEqual({
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Plan ready: ' },
            {
              type: 'text',
              text: 'https://github.com/acme/app/pull/1',
              marks: [{ type: 'link', attrs: { href: 'https://github.com/acme/app/pull/1' } }],
            },
            { type: 'hardBreak' },
            { type: 'text', text: 'second line' },
          ],
        },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }] },
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'b' }] }] },
          ],
        },
        { type: 'codeBlock', attrs: { language: 'ts' }, content: [{ type: 'text', text: 'const x = 1;' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'after' }] },
      ],
    });
  });

  it('round-trips through adfToText', () => {
    const text = 'Hello\n\n```\ncode\n```\n\n- x\n- y';
    expect(adfToText(textToAdf(text))).toBe(text);
  });
});
