/** The failing part of a CI log, ready for the model to read. */
export interface LogExcerpt {
  /** Distinct error lines (`##[error]`, compiler and test-runner failures), first 20. */
  errors: string[];
  excerpt: string;
  totalLines: number;
  truncated: boolean;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const ERROR_LINE =
  /^(?:##\[error\]|npm ERR!|Error:|ERROR\b|FAIL\b|FAILED\b|✕|✗|×|●\s|AssertionError|Traceback|E\s{2,}|panic:|fatal:)|error TS\d+|: error\b|\bERR_[A-Z_]+\b|Tests?:\s+\d+ failed|exit code [1-9]/;

/** Removes timestamps, colour codes and group markers GitHub adds to every line. */
export const cleanLogLine = (line: string): string =>
  line
    .replace(TIMESTAMP, '')
    .replace(ANSI, '')
    .replace(/^##\[group\]/, '▶ ')
    .replace(/\r$/, '');

/**
 * Extracts what failed from a GitHub Actions job log: the error lines, and the
 * window of lines leading up to the last one (where test runners and compilers
 * print the failure), trimmed from the top to fit `maxChars`. Without any
 * recognisable error line, the tail of the log is returned.
 */
export const extractFailure = (raw: string, maxChars: number): LogExcerpt => {
  const lines = raw
    .split('\n')
    .map(cleanLogLine)
    .filter((line) => line !== '##[endgroup]');
  const errorIdx = lines.flatMap((line, i) => (ERROR_LINE.test(line) ? [i] : []));
  const errors = [...new Set(errorIdx.map((i) => (lines[i] as string).trim().slice(0, 300)))].slice(0, 20);
  const end = errorIdx.length === 0 ? lines.length : Math.min(lines.length, (errorIdx.at(-1) as number) + 4);
  const start = errorIdx.length === 0 ? 0 : Math.max(0, (errorIdx[0] as number) - 40);
  const window = lines.slice(start, end);
  // Keep the lines nearest the failure: walk back from the end until the budget is spent.
  const budget = Math.max(200, maxChars - errors.join('\n').length - 200);
  const kept: string[] = [];
  let used = 0;
  for (let i = window.length - 1; i >= 0; i -= 1) {
    const line = (window[i] as string).slice(0, 1000);
    if (used + line.length + 1 > budget) break;
    kept.unshift(line);
    used += line.length + 1;
  }
  const omittedTop = start + (window.length - kept.length);
  const omittedBottom = lines.length - end;
  const truncated = omittedTop > 0 || omittedBottom > 0;
  const excerpt = [
    ...(omittedTop > 0 ? [`[… ${omittedTop} earlier lines omitted …]`] : []),
    ...kept,
    ...(omittedBottom > 0 ? [`[… ${omittedBottom} later lines omitted …]`] : []),
  ].join('\n');
  return { errors, excerpt, totalLines: lines.length, truncated };
};
