import { AgentName, RunKind, TaskSource, TaskStatus } from '@enterprise-agents/core/domain';
import { describe, expect, it } from '@jest/globals';
import claimTaskSchema from '../../../../schemas/step-functions/claimTask.json' with { type: 'json' };
import finishTaskSchema from '../../../../schemas/step-functions/finishTask.json' with { type: 'json' };
import invokeAgentSchema from '../../../../schemas/step-functions/invokeAgent.json' with { type: 'json' };
import recordStepSchema from '../../../../schemas/step-functions/recordStep.json' with { type: 'json' };
import { InvokerAction, parsePayload } from '../../src/domain/payload';

const RUN = { taskId: 'task-1', runId: 2 };
const RUN_STATUSES = [
  TaskStatus.Discovering,
  TaskStatus.Planning,
  TaskStatus.AwaitingApproval,
  TaskStatus.Executing,
  TaskStatus.AwaitingCi,
  TaskStatus.Fixing,
];

describe('parsePayload (schemas/step-functions)', () => {
  it('the schemas name exactly the values the TypeScript constants allow', () => {
    expect(claimTaskSchema.properties.source.enum).toEqual(Object.values(TaskSource));
    expect(claimTaskSchema.properties.kind.enum).toEqual(Object.values(RunKind));
    expect(invokeAgentSchema.properties.agent.enum).toEqual(Object.values(AgentName));
    expect(recordStepSchema.properties.status.enum).toEqual(RUN_STATUSES);
    expect(invokeAgentSchema.properties.status.enum).toEqual(RUN_STATUSES);
    expect(finishTaskSchema.properties.status.enum).toEqual([
      TaskStatus.Completed,
      TaskStatus.Rejected,
      TaskStatus.Escalated,
      TaskStatus.Failed,
    ]);
    expect(
      [claimTaskSchema, recordStepSchema, finishTaskSchema, invokeAgentSchema].map(
        (s) => s.properties.action.const,
      ),
    ).toEqual(Object.values(InvokerAction));
  });

  it('keeps the declared fields only, and reads null optional fields as absent', () => {
    expect(
      parsePayload({ action: 'claimTask', ...RUN, executionArn: 'arn:x', source: 'jira', extra: 1 }),
    ).toEqual({ action: 'claimTask', ...RUN, executionArn: 'arn:x', source: 'jira' });
    expect(parsePayload({ action: 'recordStep', ...RUN, status: 'AWAITING_CI', message: null })).toEqual({
      action: 'recordStep',
      ...RUN,
      status: 'AWAITING_CI',
    });
    expect(parsePayload({ action: 'finishTask', ...RUN, status: 'COMPLETED', reason: null })).toEqual({
      action: 'finishTask',
      ...RUN,
      status: 'COMPLETED',
    });
  });

  it('cuts a long message or reason instead of refusing it', () => {
    const long = 'x'.repeat(50_000);
    expect(parsePayload({ action: 'recordStep', ...RUN, status: 'PLANNING', message: long })).toMatchObject({
      message: 'x'.repeat(2000),
    });
    expect(parsePayload({ action: 'finishTask', ...RUN, status: 'REJECTED', reason: long })).toMatchObject({
      reason: 'x'.repeat(40_000),
    });
  });

  it('keeps the escalation whole (its cause is the Lambda error as JSON) and unexpected only when true', () => {
    const cause = JSON.stringify({ errorMessage: 'boom', trace: ['y'.repeat(60_000)] });
    expect(
      parsePayload({
        action: 'finishTask',
        ...RUN,
        status: 'ESCALATED',
        escalation: {
          kind: 'escalated',
          error: 'Error',
          cause,
          unexpected: 'yes',
          reason: null,
          headSha: 'abc',
        },
      }),
    ).toEqual({
      action: 'finishTask',
      ...RUN,
      status: 'ESCALATED',
      escalation: { kind: 'escalated', error: 'Error', cause },
    });
    expect(
      parsePayload({ action: 'finishTask', ...RUN, status: 'ESCALATED', escalation: { unexpected: true } }),
    ).toMatchObject({ escalation: { unexpected: true } });
  });

  it('gives an agent step an empty input when none is sent, and keeps its continuation', () => {
    expect(
      parsePayload({ action: 'invokeAgent', ...RUN, agent: 'discovery', status: 'DISCOVERING' }),
    ).toEqual({
      action: 'invokeAgent',
      ...RUN,
      agent: 'discovery',
      status: 'DISCOVERING',
      input: {},
    });
    expect(
      parsePayload({
        action: 'invokeAgent',
        ...RUN,
        agent: 'cicd',
        status: 'FIXING',
        input: { trigger: 'ci', attempt: 1 },
        continuation: 3,
      }),
    ).toMatchObject({ input: { trigger: 'ci', attempt: 1 }, continuation: 3 });
  });

  it.each([
    ['a non-object', 'nope', 'payload must be a JSON object'],
    [
      'an unknown action',
      { action: 'dance', ...RUN },
      'action must be one of claimTask, recordStep, finishTask, invokeAgent',
    ],
    [
      'every wrong field at once',
      { action: 'claimTask', taskId: 'a b', runId: 0 },
      'claimTask.taskId must be an id of letters, digits, - or _; claimTask.runId must be a positive integer; claimTask.executionArn must be a non-empty string',
    ],
    [
      'a source outside the set (null included)',
      { action: 'claimTask', ...RUN, executionArn: 'arn:x', source: null },
      'claimTask.source must be one of jira, sentry, github, slack',
    ],
    [
      'a final status on recordStep',
      { action: 'recordStep', ...RUN, status: 'COMPLETED' },
      'recordStep.status must be one of DISCOVERING, PLANNING, AWAITING_APPROVAL, EXECUTING, AWAITING_CI, FIXING',
    ],
    [
      'a message that is not text',
      { action: 'recordStep', ...RUN, status: 'PLANNING', message: 5 },
      'recordStep.message must be a string',
    ],
    [
      'an escalation that is not an object',
      { action: 'finishTask', ...RUN, status: 'ESCALATED', escalation: 'x' },
      'finishTask.escalation must be an object',
    ],
    [
      'an escalation cause that is not text',
      { action: 'finishTask', ...RUN, status: 'ESCALATED', escalation: { cause: 1 } },
      'finishTask.escalation.cause must be a string',
    ],
    [
      'an input that is not an object',
      { action: 'invokeAgent', ...RUN, agent: 'planning', status: 'PLANNING', input: null },
      'invokeAgent.input must be an object',
    ],
    [
      'a negative continuation',
      { action: 'invokeAgent', ...RUN, agent: 'planning', status: 'PLANNING', continuation: -1 },
      'invokeAgent.continuation must be a non-negative integer',
    ],
  ])('refuses %s as InvalidPayload naming the field', (_, payload, message) => {
    expect(() => parsePayload(payload)).toThrow(expect.objectContaining({ name: 'InvalidPayload', message }));
  });
});
