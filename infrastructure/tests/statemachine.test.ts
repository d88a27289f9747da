import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_TEMPLATE_VARS,
  renderOrchestrator,
  renderTemplate,
  TEMPLATE_VARIABLES,
} from '../../packages/local/src/workflow';
import { orchestratorJson } from '../statemachine/src/orchestrator';

// asl-validator ships CommonJS without types.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

const templatePath = fileURLToPath(new URL('../statemachine/orchestrator.asl.json', import.meta.url));
const template = readFileSync(templatePath, 'utf8');

/** Integrations that exist: no bedrock:invokeAgent, no dynamodb .waitForTaskToken. */
const ALLOWED_RESOURCES = [
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
];
// Terraform placeholders, not JS templates: built with a helper so they stay literal.
const tfVar = (name: string): string => `$${'{'}${name}}`;
const FUNCTION_VARS = [
  'agent_invoker_arn',
  'slack_handler_arn',
  'github_actions_arn',
  'jira_actions_arn',
].map(tfVar);

interface State {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: { ErrorEquals: string[]; JitterStrategy?: string; BackoffRate?: number; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ResultSelector?: Record<string, string>;
  Next?: string;
  Choices?: { Next: string }[];
  Default?: string;
}
const rendered = renderOrchestrator() as { StartAt: string; States: Record<string, State> };
const tasks = Object.entries(rendered.States).filter(([, s]) => s.Type === 'Task');

describe('infrastructure/statemachine/orchestrator.asl.json', () => {
  it('is exactly what src/orchestrator.ts generates (npm run generate:statemachine)', () => {
    expect(template).toBe(orchestratorJson());
  });

  it('is valid JSON before Terraform renders it: every placeholder sits inside a string', () => {
    const raw = JSON.parse(template) as { StartAt: string; States: Record<string, State> };
    expect(raw.StartAt).toBe('ClaimTask');
    expect(raw.States.ClaimTask?.Parameters?.FunctionName).toBe(tfVar('agent_invoker_arn'));
    // The parse succeeding with every variable present means none is bare (a bare one is a syntax error).
    for (const name of TEMPLATE_VARIABLES) expect(template).toContain(tfVar(name));
  });

  it('uses only the contract template variables and no other ${ or %{', () => {
    const used = [...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(TEMPLATE_VARIABLES).toContain(name);
    expect(new Set(used)).toEqual(new Set(TEMPLATE_VARIABLES));
    expect(template).not.toContain('%{');
    // A stray `$` followed by `{` anywhere else would be a Terraform interpolation too.
    expect(
      template.replace(
        /\$\{(agent_invoker_arn|slack_handler_arn|github_actions_arn|jira_actions_arn|approval_timeout_seconds|ci_timeout_seconds|max_fix_attempts|max_agent_continues)\}/g,
        '',
      ),
    ).not.toMatch(/\$\{/);
  });

  it('has exactly the eight variables of docs/contracts.md', () => {
    expect([...TEMPLATE_VARIABLES].sort()).toEqual([
      'agent_invoker_arn',
      'approval_timeout_seconds',
      'ci_timeout_seconds',
      'github_actions_arn',
      'jira_actions_arn',
      'max_agent_continues',
      'max_fix_attempts',
      'slack_handler_arn',
    ]);
  });

  it('comments on the Jira issue on every final path of a Jira task, and a Jira failure cannot change the outcome', () => {
    const finals = [
      ['NotifyCompleted', 'completed', 'Completed'],
      ['NotifyRejected', 'rejected', 'RejectedEnd'],
      ['NotifyEscalated', 'escalated', 'EscalationEnd'],
    ] as const;
    for (const [notify, kind, end] of finals) {
      const routeName = rendered.States[notify]?.Next as string;
      // Slack's own failure goes the same way as its success: into the Jira step.
      expect(rendered.States[notify]?.Catch?.map((c) => c.Next)).toEqual([routeName]);
      const route = rendered.States[routeName] as State & {
        Choices: { Variable: string; StringEquals: string; Next: string }[];
      };
      expect(route.Type).toBe('Choice');
      expect(route.Choices).toHaveLength(1);
      expect(route.Choices[0]).toMatchObject({ Variable: '$.source', StringEquals: 'jira' });
      expect(route.Default).toBe(end);
      const comment = rendered.States[route.Choices[0]?.Next as string] as State & {
        ResultPath?: unknown;
        Catch: { ErrorEquals: string[]; Next: string; ResultPath?: unknown }[];
      };
      expect(comment.Parameters?.FunctionName).toBe(DEFAULT_TEMPLATE_VARS.jira_actions_arn);
      expect(comment.Parameters?.Payload).toMatchObject({
        action: 'commentOnIssue',
        kind,
        'taskId.$': '$.taskId',
        'runId.$': '$.runId',
        'reason.$': '$.finished.reason',
      });
      expect(comment.Next).toBe(end);
      expect(comment.ResultPath).toBeNull();
      expect(comment.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: end }]);
      expect(comment.Retry?.some((r) => r.ErrorEquals.includes('JiraUnavailable'))).toBe(true);
    }
    // Nothing else calls jira-actions.
    const callers = tasks.filter(
      ([, s]) => s.Parameters?.FunctionName === DEFAULT_TEMPLATE_VARS.jira_actions_arn,
    );
    expect(callers.map(([name]) => name).sort()).toEqual([
      'CommentJiraCompleted',
      'CommentJiraEscalated',
      'CommentJiraRejected',
    ]);
  });

  it('renders to JSON that asl-validator accepts, with Terraform defaults and with test values', () => {
    expect(aslValidator(renderOrchestrator()).errorsText('\n')).toBe('');
    const fast = renderOrchestrator({
      approval_timeout_seconds: 1,
      ci_timeout_seconds: 1,
      max_fix_attempts: 1,
    });
    expect(aslValidator(fast).isValid).toBe(true);
    expect(() => renderTemplate(`{"a": "${tfVar('nope')}"}`, DEFAULT_TEMPLATE_VARS)).toThrow(
      'unknown template variable',
    );
  });

  it('reads the numeric settings as data: InitRun parses them into $.config, the states use ...Path fields', () => {
    const states = renderOrchestrator({
      approval_timeout_seconds: 123,
      max_fix_attempts: 5,
      max_agent_continues: 2,
    }).States as Record<
      string,
      State & { Parameters?: { config?: Record<string, string> }; Choices?: Record<string, unknown>[] }
    >;
    expect(states.InitRun?.Parameters?.config).toEqual({
      'approvalTimeoutSeconds.$': "States.StringToJson('123')",
      'ciTimeoutSeconds.$': "States.StringToJson('7200')",
      'maxFixAttempts.$': "States.StringToJson('5')",
      'maxAgentContinues.$': "States.StringToJson('2')",
    });
    expect(states.RequestApproval?.TimeoutSecondsPath).toBe('$.config.approvalTimeoutSeconds');
    expect(states.WaitForCI?.TimeoutSecondsPath).toBe('$.config.ciTimeoutSeconds');
    expect(states.CheckCI?.Choices).toContainEqual(
      expect.objectContaining({ NumericLessThanPath: '$.config.maxFixAttempts' }),
    );
    expect(states.NotifyCiFailed?.Parameters?.Payload?.['maxAttempts.$']).toBe('$.config.maxFixAttempts');
    // Nothing numeric is left for Terraform to render bare.
    expect(template).not.toMatch(/:\s*\$\{/);
  });

  it('calls only real integrations, each with a template function ARN and an action', () => {
    const raw = JSON.parse(template) as { States: Record<string, State> };
    for (const [name, state] of Object.entries(raw.States).filter(([, s]) => s.Type === 'Task')) {
      expect({ name, resource: ALLOWED_RESOURCES.includes(state.Resource ?? '') }).toEqual({
        name,
        resource: true,
      });
      expect(FUNCTION_VARS).toContain(state.Parameters?.FunctionName);
      expect(typeof state.Parameters?.Payload?.action).toBe('string');
      if (state.Resource?.endsWith('.waitForTaskToken')) {
        expect(state.Parameters?.Payload?.['taskToken.$']).toBe('$$.Task.Token');
        expect(state.TimeoutSeconds ?? state.TimeoutSecondsPath).toBeDefined();
      } else {
        expect(
          state.ResultSelector === undefined ||
            Object.values(state.ResultSelector).every(
              (v) => typeof v !== 'string' || !v.startsWith('$') || v.startsWith('$.Payload'),
            ),
        ).toBe(true);
      }
    }
  });

  it('retries transient Lambda errors with backoff and full jitter and catches everything else on every Task', () => {
    for (const [name, state] of tasks) {
      const lambdaRetry = state.Retry?.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'));
      expect({ name, ok: lambdaRetry !== undefined }).toEqual({ name, ok: true });
      expect(lambdaRetry?.ErrorEquals).toEqual(
        expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
        ]),
      );
      // A throttled or failing table inside a handler (e.g. the claim) must not strand a task.
      expect({
        name,
        store: state.Retry?.some(
          (r) =>
            r.ErrorEquals.includes('ProvisionedThroughputExceededException') &&
            r.ErrorEquals.includes('ThrottlingException'),
        ),
      }).toEqual({ name, store: true });
      for (const retry of state.Retry ?? []) {
        expect(retry.JitterStrategy).toBe('FULL');
        expect(retry.BackoffRate).toBeGreaterThan(1);
        expect(retry.MaxAttempts).toBeGreaterThan(0);
      }
      const catchAll = state.Catch?.at(-1);
      expect({ name, catchAll: catchAll?.ErrorEquals }).toEqual({ name, catchAll: ['States.ALL'] });
      if (state.Parameters?.Payload?.action === 'invokeAgent') {
        expect(state.Retry?.some((r) => r.ErrorEquals.includes('AgentThrottled'))).toBe(true);
        expect(
          state.Catch?.some((c) => c.ErrorEquals.includes('BudgetExceeded') && c.Next === 'BudgetExceeded'),
        ).toBe(true);
      }
    }
  });

  it('loops every agent step on continue, at most max_agent_continues times, then escalates naming the step', () => {
    interface Loose {
      Type: string;
      Next?: string;
      Default?: string;
      Parameters?: Record<string, unknown> & { Payload?: Record<string, unknown> };
      ResultSelector?: Record<string, string>;
      ResultPath?: string;
      Choices?: (Record<string, unknown> & { Next: string })[];
    }
    const states = renderOrchestrator({ max_agent_continues: 4 }).States as Record<string, Loose>;
    const agentSteps = Object.entries(states).filter(
      ([, s]) => s.Type === 'Task' && s.Parameters?.Payload?.action === 'invokeAgent',
    );
    expect(agentSteps.map(([name]) => name).sort()).toEqual([
      'AutoFix',
      'Discover',
      'DiscoverFromSentry',
      'Execute',
      'FixFromCommand',
      'Plan',
      'PlanSentryFix',
      'Revise',
    ]);
    for (const [name, task] of agentSteps) {
      const payload = task.Parameters?.Payload ?? {};
      expect(payload['continuation.$']).toBe('$.continues.count');
      expect(task.ResultSelector?.['continue.$']).toBe('$.Payload.continue');
      // Each run overwrites $.step: a continued run must not read its input from there.
      expect(JSON.stringify(payload.input ?? payload['input.$'])).not.toMatch(/"\$\.step[."]/);
      const check = states[task.Next as string];
      expect(check?.Type).toBe('Choice');
      const [again, limit, finished] = check?.Choices ?? [];
      expect(again).toEqual({
        And: [
          { Variable: '$.step.continue', BooleanEquals: true },
          { Variable: '$.continues.count', NumericLessThanPath: '$.config.maxAgentContinues' },
        ],
        Next: `Continue${name}`,
      });
      expect(states[`Continue${name}`]).toMatchObject({
        Parameters: { 'count.$': 'States.MathAdd($.continues.count, 1)' },
        ResultPath: '$.continues',
        Next: name,
      });
      expect(limit).toEqual({ Variable: '$.step.continue', BooleanEquals: true, Next: `${name}NotFinished` });
      expect(states[`${name}NotFinished`]).toMatchObject({
        Parameters: { kind: 'escalated', reason: `agent step ${name} did not finish within 4 continuations` },
        ResultPath: '$.escalation',
        Next: 'Escalate',
      });
      // Finished after continuing: the counter goes back to 0 on the way to the original next state.
      expect(finished).toMatchObject({ Variable: '$.continues.count', NumericGreaterThan: 0 });
      expect(states[finished?.Next as string]).toMatchObject({ Result: { count: 0 }, Next: check?.Default });
    }
    expect(states.InitRun?.Parameters).toMatchObject({ continues: { count: 0 } });
  });

  it('starts with the claim, and recording an escalation cannot loop back into error handling', () => {
    expect(rendered.StartAt).toBe('ClaimTask');
    expect(rendered.States.ClaimTask?.Catch?.[0]).toMatchObject({
      ErrorEquals: ['TaskAlreadyClaimed'],
      Next: 'DuplicateStart',
    });
    expect(rendered.States.DuplicateStart?.Type).toBe('Succeed');
    const escalateTargets = (rendered.States.Escalate?.Catch ?? []).map((c) => c.Next);
    for (const target of escalateTargets)
      expect(['Succeed', 'Fail']).toContain(rendered.States[target]?.Type);
    expect(rendered.States.RequestApproval?.Catch?.map((c) => c.ErrorEquals[0])).toEqual([
      'Rejected',
      'States.Timeout',
      'States.ALL',
    ]);
    expect(rendered.States.WaitForCI?.Catch?.map((c) => c.ErrorEquals[0])).toEqual([
      'States.Timeout',
      'States.ALL',
    ]);
  });
});
