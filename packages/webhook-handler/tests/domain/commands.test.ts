import { describe, expect, it } from '@jest/globals';
import { isAgentComment, parseAgentCommand } from '../../src/domain/commands';

describe('parseAgentCommand', () => {
  it.each([
    ['/agent approve', { command: 'approve', argument: '' }],
    ['  /agent   APPROVE  ', { command: 'approve', argument: '' }],
    ['/agent reject not now', { command: 'reject', argument: 'not now' }],
    ['/agent revise use cents\n\n- and tests', { command: 'revise', argument: 'use cents\n\n- and tests' }],
    ['/agent fix', { command: 'fix', argument: '' }],
    ['/agent stop', { command: 'stop', argument: '' }],
    ['/agent status', { command: 'status', argument: '' }],
    ['/agent', { command: 'help', argument: '' }],
    ['/agent\nhelp', { command: 'help', argument: '' }],
    ['/agent deploy prod', { command: 'unknown', word: 'deploy', argument: 'prod' }],
  ])('parses %j', (body, expected) => {
    expect(parseAgentCommand(body)).toEqual(expected);
  });

  it.each(['please /agent approve', '/agents approve', '/agentapprove', '', '> /agent approve'])(
    'does not treat %j as a command',
    (body) => {
      expect(isAgentComment(body)).toBe(false);
      expect(parseAgentCommand(body)).toBeUndefined();
    },
  );
});
