import { isPlainObject } from '../util/is-plain-object';

/** An Atlassian Document Format node (what Jira Cloud REST v3 stores for rich text). */
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  content?: AdfNode[];
  version?: number;
}

// Real documents are shallow; the bound stops a hostile webhook body from exhausting the stack.
const MAX_DEPTH = 64;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * Untrusted JSON (a webhook body, a custom field) as a well-formed node tree:
 * non-objects and nodes without a string `type` are dropped, a non-string
 * `text` becomes absent, and anything deeper than {@link MAX_DEPTH} is cut off.
 * The renderer below can then trust the shape.
 */
const sanitize = (value: unknown, depth: number): AdfNode | undefined => {
  if (!isPlainObject(value) || typeof value.type !== 'string' || depth > MAX_DEPTH) return undefined;
  const node: AdfNode = { type: value.type };
  if (typeof value.text === 'string') node.text = value.text;
  if (isPlainObject(value.attrs)) node.attrs = value.attrs;
  if (Array.isArray(value.marks)) {
    node.marks = value.marks
      .filter((m): m is Record<string, unknown> => isPlainObject(m) && typeof m.type === 'string')
      .map((m) => ({ type: m.type as string, ...(isPlainObject(m.attrs) ? { attrs: m.attrs } : {}) }));
  }
  if (Array.isArray(value.content)) {
    node.content = value.content
      .map((child) => sanitize(child, depth + 1))
      .filter((child): child is AdfNode => child !== undefined);
  }
  return node;
};

const inline = (node: AdfNode): string => {
  switch (node.type) {
    case 'text': {
      const text = node.text ?? '';
      const link = node.marks?.find((m) => m.type === 'link');
      const href = str(link?.attrs?.href);
      if (href !== '' && href !== text) return `${text} (${href})`;
      if (node.marks?.some((m) => m.type === 'code')) return `\`${text}\``;
      return text;
    }
    case 'hardBreak':
      return '\n';
    case 'mention':
      return str(node.attrs?.text) || `@${str(node.attrs?.id)}`;
    case 'emoji':
      return str(node.attrs?.text) || str(node.attrs?.shortName);
    case 'inlineCard':
      return str(node.attrs?.url);
    case 'status':
      return `[${str(node.attrs?.text)}]`;
    case 'date': {
      const raw = node.attrs?.timestamp;
      // An out-of-range timestamp makes an Invalid Date, whose toISOString() throws.
      const date = typeof raw === 'string' || typeof raw === 'number' ? new Date(Number(raw)) : undefined;
      return date === undefined || Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
    }
    default:
      return (node.content ?? []).map(inline).join('');
  }
};

const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((line, i) => (i === 0 ? `${prefix}${line}` : `${' '.repeat(prefix.length)}${line}`))
    .join('\n');

const block = (node: AdfNode): string => {
  const children = node.content ?? [];
  switch (node.type) {
    case 'doc':
      return children
        .map(block)
        .filter((b) => b !== '')
        .join('\n\n');
    case 'paragraph':
      return children.map(inline).join('');
    case 'heading':
      return `${'#'.repeat(Math.min(6, Number(node.attrs?.level) || 1))} ${children.map(inline).join('')}`;
    case 'bulletList':
      return children.map((item) => indent(item.content?.map(block).join('\n') ?? '', '- ')).join('\n');
    case 'orderedList': {
      const start = Number(node.attrs?.order) || 1;
      return children
        .map((item, i) => indent(item.content?.map(block).join('\n') ?? '', `${start + i}. `))
        .join('\n');
    }
    case 'taskList':
      return children
        .map(
          (item) =>
            `${item.attrs?.state === 'DONE' ? '[x]' : '[ ]'} ${(item.content ?? []).map(inline).join('')}`,
        )
        .join('\n');
    case 'listItem':
      return children.map(block).join('\n');
    case 'codeBlock':
      return `\`\`\`${str(node.attrs?.language)}\n${children.map(inline).join('')}\n\`\`\``;
    case 'blockquote':
      return children
        .map(block)
        .join('\n\n')
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'rule':
      return '---';
    case 'panel':
    case 'expand':
    case 'nestedExpand':
    case 'layoutSection':
    case 'layoutColumn': {
      const title = str(node.attrs?.title);
      const body = children
        .map(block)
        .filter((b) => b !== '')
        .join('\n\n');
      return title === '' ? body : `${title}\n${body}`;
    }
    case 'table':
      return children.map(block).join('\n');
    case 'tableRow':
      return `| ${children.map((cell) => (cell.content ?? []).map(block).join(' ').replace(/\n/g, ' ')).join(' | ')} |`;
    case 'mediaSingle':
    case 'mediaGroup':
    case 'media':
      return '[attachment]';
    case 'blockCard':
    case 'embedCard':
      return str(node.attrs?.url);
    default:
      return children.length > 0 ? children.map(block).join('\n') : inline(node);
  }
};

/**
 * ADF as readable plain text with light Markdown (headings, lists, code fences,
 * links as `text (url)`), for agents and task context. A plain string (Jira v2 /
 * wiki markup) is returned as is, an option object (`{value}`) as its value, an
 * array line by line; anything else, or malformed input, gives ''.
 */
export const adfToText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(adfToText).join('\n');
  if (!isPlainObject(value)) return '';
  if (typeof value.type === 'string') {
    const node = sanitize(value, 0);
    return node === undefined ? '' : block(node).trim();
  }
  return typeof value.value === 'string' ? value.value : '';
};

const URL_RE = /https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/g;

/** One line of text as ADF inline nodes, with URLs as links. */
export const textWithLinks = (text: string): AdfNode[] => {
  const out: AdfNode[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const index = m.index ?? 0;
    if (index > last) out.push({ type: 'text', text: text.slice(last, index) });
    out.push({ type: 'text', text: m[0], marks: [{ type: 'link', attrs: { href: m[0] } }] });
    last = index + m[0].length;
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) });
  return out;
};

const paragraph = (lines: string[]): AdfNode => ({
  type: 'paragraph',
  content: lines.flatMap((line, i) => [...(i > 0 ? [{ type: 'hardBreak' }] : []), ...textWithLinks(line)]),
});

const proseBlocks = (text: string): AdfNode[] =>
  text
    .split(/\n\s*\n/)
    .map((chunk) => chunk.replace(/^\n+|\n+$/g, ''))
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const lines = chunk.split('\n');
      if (lines.every((line) => /^\s*[-*] /.test(line))) {
        return {
          type: 'bulletList',
          content: lines.map((line) => ({
            type: 'listItem',
            content: [paragraph([line.replace(/^\s*[-*] /, '')])],
          })),
        };
      }
      return paragraph(lines);
    });

/**
 * Plain text (what the model writes) as an ADF document: blank lines separate
 * paragraphs, single newlines become hard breaks, ``` fences become code blocks,
 * "- " lines become bullet lists and URLs become links.
 */
export const textToAdf = (text: string): AdfNode => {
  const content: AdfNode[] = [];
  const fence = /```([\w+-]*)\n([\s\S]*?)\n?```/g;
  let last = 0;
  for (const m of text.matchAll(fence)) {
    content.push(...proseBlocks(text.slice(last, m.index)));
    const code = m[2] ?? '';
    content.push({
      type: 'codeBlock',
      ...(m[1] ? { attrs: { language: m[1] } } : {}),
      content: code === '' ? [] : [{ type: 'text', text: code }],
    });
    last = (m.index ?? 0) + m[0].length;
  }
  content.push(...proseBlocks(text.slice(last)));
  return {
    type: 'doc',
    version: 1,
    content: content.length > 0 ? content : [{ type: 'paragraph', content: [] }],
  };
};
