// Zero-width, bidi controls and other invisible format characters can hide
// instructions from a human reviewer while the model still reads them.
// Combining marks (variation selectors, Mongolian and Khmer invisibles) are listed
// as alternatives: a character class cannot hold them safely.
const INVISIBLE =
  /\u034F|\u17B4|\u17B5|\u180B|\u180C|\u180D|\u180E|\u180F|\p{Variation_Selector}|[\u00AD\u061C\u115F\u1160\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|[\u{E0000}-\u{E007F}]/gu;
// C0/C1 controls except tab and newline (carriage returns are normalised first).
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/**
 * Makes untrusted text (tickets, comments, logs) safe to embed as data: HTML
 * comments (invisible in Jira/GitHub renderings) and invisible or control
 * characters removed, and the data-block delimiter defused so the text cannot
 * close its own block.
 */
export const sanitizeUntrusted = (text: string, maxChars = 20_000): string => {
  let clean = text.replace(/\r\n?/g, '\n').normalize('NFC');
  clean = clean.replace(HTML_COMMENT, '').replace(INVISIBLE, '').replace(CONTROL, '');
  clean = clean.replace(/<\/?\s*untrusted[-_\s]*data[^>]*>/gi, '[removed tag]');
  if (clean.length > maxChars)
    clean = `${clean.slice(0, maxChars)}\n[truncated: ${clean.length - maxChars} more characters]`;
  return clean.trim();
};

/** A clearly delimited block of untrusted data with a label the instructions refer to. */
export const dataBlock = (label: string, text: string, maxChars?: number): string =>
  `<untrusted-data label="${label.replace(/[^A-Za-z0-9 _.:/#-]/g, '')}">\n${sanitizeUntrusted(text, maxChars)}\n</untrusted-data>`;
