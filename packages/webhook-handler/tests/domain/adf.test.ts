import { describe, expect, it } from '@jest/globals';
import { adfToText } from '../../src/domain/adf';

describe('adfToText', () => {
  it('returns plain strings (Jira REST v2 / wiki markup) unchanged', () => {
    expect(adfToText('h1. Title\n* item')).toBe('h1. Title\n* item');
  });

  it('renders paragraphs, headings, lists, code, mentions, links and breaks', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Steps' }] },
        {
          type: 'orderedList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'open' }] }] },
            {
              type: 'listItem',
              content: [
                { type: 'paragraph', content: [{ type: 'text', text: 'refund' }] },
                {
                  type: 'bulletList',
                  content: [
                    {
                      type: 'listItem',
                      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'twice' }] }],
                    },
                  ],
                },
              ],
            },
          ],
        },
        { type: 'codeBlock', attrs: { language: 'ts' }, content: [{ type: 'text', text: 'refund(101)' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'cc ' },
            { type: 'mention', attrs: { id: 'x', text: '@Ana' } },
            { type: 'hardBreak' },
            { type: 'inlineCard', attrs: { url: 'https://example.com/x' } },
          ],
        },
      ],
    };
    expect(adfToText(doc)).toBe(
      'Steps\n1. open\n2. refund\n  - twice\nrefund(101)\ncc @Ana\nhttps://example.com/x',
    );
  });

  it('survives hostile nesting and junk', () => {
    let deep: Record<string, unknown> = { type: 'text', text: 'bottom' };
    for (let i = 0; i < 10_000; i += 1) deep = { type: 'paragraph', content: [deep] };
    expect(() => adfToText({ type: 'doc', content: [deep] })).not.toThrow();
    expect(adfToText({ type: 'doc', content: [null, 1, 'x', { type: 'text', text: 5 }] })).toBeUndefined();
    expect(adfToText(42)).toBeUndefined();
    expect(adfToText(null)).toBeUndefined();
  });
});
