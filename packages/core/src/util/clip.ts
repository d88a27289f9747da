/**
 * Shortens text to at most `max` characters, marking the cut with `…`.
 *
 * @param text - the text to shorten
 * @param max - the largest length of the result
 * @example
 * clip('a long reason', 6); // 'a lon…'
 */
export const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;
