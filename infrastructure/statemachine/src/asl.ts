/**
 * The few Amazon States Language shapes the orchestrator uses, typed, and the
 * helpers that keep its definition short. JSONPath query language only (the
 * local interpreter ignores JSONata).
 */

/** A JSON value as it lands in the definition. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A Parameters / ResultSelector object: keys ending in `.$` hold a path or an intrinsic function. */
export type Template = { [key: string]: Json };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds: number;
  JitterStrategy: 'FULL';
}

export interface Catcher {
  ErrorEquals: string[];
  /** Omitted: the error output replaces the state (`$`); null: the input passes through unchanged. */
  ResultPath?: string | null;
  Next: string;
}

export interface TaskState {
  Type: 'Task';
  Comment?: string;
  Resource: string;
  Parameters: { FunctionName: string; Payload: Template };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  ResultSelector?: Template;
  ResultPath: string | null;
  Retry: Retrier[];
  Catch: Catcher[];
  Next: string;
}

export interface PassState {
  Type: 'Pass';
  Comment?: string;
  Result?: Json;
  Parameters?: Template;
  /**
   * Omitted: the result replaces the whole state (AWS's default, `$`). Never write
   * `"$"` explicitly: aws-local-stepfunctions 3.0.0 stores the result under a key named `$`.
   */
  ResultPath?: string;
  Next: string;
}

/** A Choice rule: one comparison on `Variable`, or `And` of rules. */
export type ChoiceRule =
  | { Variable: string; [comparison: string]: Json }
  | { And: ChoiceRule[] }
  | { Not: ChoiceRule };
export type ChoiceBranch = ChoiceRule & { Next: string };

export interface ChoiceState {
  Type: 'Choice';
  Comment?: string;
  Choices: ChoiceBranch[];
  Default: string;
}

export interface SucceedState {
  Type: 'Succeed';
  Comment?: string;
}

export interface FailState {
  Type: 'Fail';
  Error: string;
  Cause: string;
}

export type State = TaskState | PassState | ChoiceState | SucceedState | FailState;
export type States = Record<string, State>;

export interface StateMachine {
  Comment: string;
  StartAt: string;
  States: States;
}

/**
 * A Terraform templatefile() placeholder. Every one sits inside a JSON string,
 * so the file stays valid JSON before it is rendered.
 */
export const tf = (variable: string): string => `\${${variable}}`;

/**
 * A number Terraform renders, read as data: `States.StringToJson('<digits>')`.
 * Fields that must be numbers (TimeoutSeconds, NumericLessThan) use their `...Path`
 * variant and point at the value this produces.
 */
export const tfNumber = (variable: string): string => `States.StringToJson('${tf(variable)}')`;

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** Exponential backoff with full jitter (the only strategy we use). */
export const retry = (
  errors: string[],
  policy: { interval: number; attempts: number; backoff?: number; maxDelay: number },
): Retrier => ({
  ErrorEquals: errors,
  IntervalSeconds: policy.interval,
  MaxAttempts: policy.attempts,
  BackoffRate: policy.backoff ?? 2,
  MaxDelaySeconds: policy.maxDelay,
  JitterStrategy: 'FULL',
});

/** A catcher; pass `undefined` as resultPath to let the error output replace the state. */
export const on = (errors: string | string[], next: string, resultPath?: string | null): Catcher => ({
  ErrorEquals: Array.isArray(errors) ? errors : [errors],
  ...(resultPath === undefined ? {} : { ResultPath: resultPath }),
  Next: next,
});

/** `{ "key.$": "$.key" }` for each name: copies fields of the state input into a payload. */
export const fromInput = (...names: string[]): Template =>
  Object.fromEntries(names.map((name) => [`${name}.$`, `$.${name}`]));

/** Pretty JSON exactly as committed: two-space indentation and a final newline. */
export const serialize = (definition: StateMachine): string => `${JSON.stringify(definition, null, 2)}\n`;
