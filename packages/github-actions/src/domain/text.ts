/** Cuts text to `maxChars`, appending a marker that says how much was left out. */
export const capText = (text: string, maxChars: number): { text: string; truncated: boolean } => {
  if (text.length <= maxChars) return { text, truncated: false };
  const kept = text.slice(0, maxChars);
  return {
    text: `${kept}\n[… truncated: showed ${maxChars} of ${text.length} characters]`,
    truncated: true,
  };
};

/** Bytes that look binary (a NUL in the first 8 KB, as git decides). */
export const looksBinary = (bytes: Buffer): boolean => bytes.subarray(0, 8000).includes(0);
