import { describe, expect, it } from '@jest/globals';
import { type AdfNode, adfToText, textToAdf } from '../../src/domain/adf';

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
