import { asArray, asObject, asString, at } from './json';

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'blockquote',
  'codeBlock',
  'panel',
  'rule',
  'table',
  'tableRow',
  'mediaSingle',
  'mediaGroup',
  'expand',
  'nestedExpand',
  'decisionList',
  'taskList',
]);

// Real documents are shallow; the bound stops a hostile payload from exhausting the stack.
const MAX_DEPTH = 64;

const render = (node: unknown, depth: number, out: string[], listPrefix: string): void => {
  const object = asObject(node);
  if (object === undefined || depth > MAX_DEPTH) return;
  const type = asString(object.type);
  switch (type) {
    case 'text':
      out.push(asString(object.text) ?? '');
      return;
    case 'hardBreak':
      out.push('\n');
      return;
    case 'mention':
    case 'emoji':
    case 'date':
    case 'status': {
      const text = asString(at(object, 'attrs', 'text')) ?? asString(at(object, 'attrs', 'shortName'));
      if (text !== undefined) out.push(text);
      return;
    }
    case 'inlineCard':
    case 'blockCard': {
      const url = asString(at(object, 'attrs', 'url'));
      if (url !== undefined) out.push(url);
      if (type === 'blockCard') out.push('\n');
      return;
    }
    case 'rule':
      out.push('---\n');
      return;
  }
  const children = asArray(object.content);
  if (type === 'bulletList' || type === 'orderedList') {
    children.forEach((item, i) => {
      out.push(type === 'orderedList' ? `${listPrefix}${i + 1}. ` : `${listPrefix}- `);
      for (const child of asArray(asObject(item)?.content)) render(child, depth + 1, out, `${listPrefix}  `);
    });
    return;
  }
  for (const child of children) render(child, depth + 1, out, listPrefix);
  if (type === 'tableCell' || type === 'tableHeader') out.push(' | ');
  else if (type !== undefined && BLOCKS.has(type)) out.push('\n');
};

/**
 * Plain text of an Atlassian Document Format value (Jira Cloud REST v3 and some
 * webhook bodies); a plain string (v2 / wiki markup) is returned as is.
 */
export const adfToText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (asObject(value) === undefined) return undefined;
  const out: string[] = [];
  render(value, 0, out, '');
  const text = out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text === '' ? undefined : text;
};
