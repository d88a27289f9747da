import type { StackFrame } from '@enterprise-agents/core/domain';
import type { SentryEvent } from './ports';

interface RawFrame {
  filename?: string | null;
  absPath?: string | null;
  abs_path?: string | null;
  function?: string | null;
  lineNo?: number | null;
  lineno?: number | null;
  module?: string | null;
  context?: [number, string][];
  context_line?: string | null;
  inApp?: boolean | null;
  in_app?: boolean | null;
}

interface RawException {
  type?: string | null;
  value?: string | null;
  module?: string | null;
  stacktrace?: { frames?: RawFrame[] } | null;
}

/** One exception of an event with its condensed frames. */
export interface CondensedException {
  type: string;
  value: string;
  frames: StackFrame[];
  /** Frames left out to respect the cap. */
  omittedFrames: number;
}

const frameOf = (raw: RawFrame): StackFrame => {
  const lineno = raw.lineNo ?? raw.lineno ?? undefined;
  // The API gives `context` as [lineNo, text] pairs; webhooks give `context_line`.
  const contextLine = raw.context_line ?? raw.context?.find(([n]) => n === lineno)?.[1] ?? undefined;
  return {
    filename: raw.filename ?? raw.absPath ?? raw.abs_path ?? '<unknown>',
    ...(raw.function ? { function: raw.function } : {}),
    ...(lineno === undefined || lineno === null ? {} : { lineno }),
    ...(raw.module ? { module: raw.module } : {}),
    ...(contextLine ? { contextLine: contextLine.trim().slice(0, 200) } : {}),
    inApp: (raw.inApp ?? raw.in_app) === true,
  };
};

/**
 * Condenses a stack trace for the model: Sentry lists frames outermost first,
 * so they are reversed (the crash site first), in-app frames come before
 * library frames, and at most `maxFrames` are kept.
 */
export const condenseFrames = (
  frames: readonly RawFrame[],
  maxFrames: number,
): { frames: StackFrame[]; omitted: number } => {
  const innermostFirst = [...frames].reverse().map(frameOf);
  const ordered = [...innermostFirst.filter((f) => f.inApp), ...innermostFirst.filter((f) => !f.inApp)];
  return { frames: ordered.slice(0, maxFrames), omitted: Math.max(0, ordered.length - maxFrames) };
};

const entry = (event: SentryEvent, type: string): unknown =>
  event.entries?.find((e) => e.type === type)?.data;

/** Exceptions of an event, the one raised last first (chained causes follow). */
export const condenseExceptions = (event: SentryEvent, maxFrames: number): CondensedException[] => {
  const values = ((entry(event, 'exception') as { values?: RawException[] } | undefined)?.values ?? [])
    .slice()
    .reverse();
  return values.slice(0, 5).map((ex) => {
    const { frames, omitted } = condenseFrames(ex.stacktrace?.frames ?? [], maxFrames);
    return {
      type: ex.type ?? 'Error',
      value: (ex.value ?? '').slice(0, 1000),
      frames,
      omittedFrames: omitted,
    };
  });
};

/** The last breadcrumbs before the error (what the app did just before). */
export const lastBreadcrumbs = (event: SentryEvent, max = 10) => {
  const values =
    (entry(event, 'breadcrumbs') as { values?: Record<string, unknown>[] } | undefined)?.values ?? [];
  return values.slice(-max).map((b) => ({
    ...(typeof b.timestamp === 'string' ? { at: b.timestamp } : {}),
    ...(typeof b.category === 'string' ? { category: b.category } : {}),
    ...(typeof b.level === 'string' ? { level: b.level } : {}),
    message: String(b.message ?? (b.data === undefined ? '' : JSON.stringify(b.data))).slice(0, 200),
  }));
};

/** Method and URL of the request that failed, without headers, cookies or body (secrets, PII). */
export const requestSummary = (event: SentryEvent): string | undefined => {
  const req = entry(event, 'request') as { method?: string; url?: string } | undefined;
  if (req?.url === undefined) return undefined;
  return `${req.method ?? 'GET'} ${req.url.split('?')[0]}`;
};
