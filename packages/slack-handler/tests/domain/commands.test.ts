import { describe, expect, it } from '@jest/globals';
import { parseCommand } from '../../src/domain/commands';

describe('parseCommand', () => {
  it.each([
    ['', { name: 'help' }],
    ['help', { name: 'help' }],
    ['  LIST ', { name: 'list' }],
    ['status proj-12', { name: 'status', taskRef: 'PROJ-12' }],
    [
      'status 3F2504E0-4F89-11D3-9A0C-0305E82C3301',
      { name: 'status', taskRef: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' },
    ],
    ['status acme/api#12', { name: 'status', taskRef: 'acme/api#12' }],
    ['approve PROJ-1', { name: 'approve', taskRef: 'PROJ-1' }],
    ['reject PROJ-1', { name: 'reject', taskRef: 'PROJ-1' }],
    [
      'reject PROJ-1   too   risky,  split it',
      { name: 'reject', taskRef: 'PROJ-1', reason: 'too   risky,  split it' },
    ],
    ['stop PROJ-1', { name: 'stop', taskRef: 'PROJ-1' }],
    ['cost', { name: 'cost', days: 7 }],
    ['cost 30', { name: 'cost', days: 30 }],
    ['run proj-77', { name: 'run', key: 'PROJ-77' }],
  ])('parses %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['deploy', 'unknown command "deploy"'],
    ['status', 'missing task'],
    ['approve', 'missing task'],
    ['status <script>', 'is not a task key or id'],
    ['cost 0', 'days must be a whole number from 1 to 90'],
    ['cost 91', 'days must be a whole number'],
    ['cost lots', 'days must be a whole number'],
    ['run', 'use `/agent run <JIRA-KEY>`'],
    ['run not-a-key!', 'use `/agent run <JIRA-KEY>`'],
    ['run PROJ-0', 'use `/agent run <JIRA-KEY>`'],
    [`reject PROJ-1 ${'x'.repeat(2001)}`, 'longer than 2000'],
  ])('turns %j into help with the problem', (text, problem) => {
    const command = parseCommand(text);
    expect(command.name).toBe('help');
    expect(command.name === 'help' ? command.problem : undefined).toContain(problem);
  });
});
