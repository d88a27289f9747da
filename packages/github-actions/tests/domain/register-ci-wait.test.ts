import { BadRequestError } from '@enterprise-agents/core/errors';
import { describe, expect, it } from '@jest/globals';
import { parseRegisterCiWait } from '../../src/domain/register-ci-wait';

const SHA = 'ABCDEF0123456789abcdef0123456789ABCDEF01';
const payload = {
  action: 'registerCiWait',
  taskToken: 'tok',
  taskId: 't-1',
  runId: 1,
  repo: 'Acme/App',
  headSha: SHA,
};

describe('parseRegisterCiWait (schemas/step-functions/registerCiWait.json)', () => {
  it('lower-cases repo and head SHA (the key of the CI wait) and keeps only the declared fields', () => {
    expect(parseRegisterCiWait({ ...payload, extra: true })).toEqual({
      ...payload,
      repo: 'acme/app',
      headSha: SHA.toLowerCase(),
    });
  });

  it.each([
    [
      { action: 'registerCiWait' },
      'registerCiWait.taskToken must be a non-empty string; registerCiWait.taskId must be a non-empty string; registerCiWait.runId must be an integer; registerCiWait.repo must be owner/name; registerCiWait.headSha must be a commit SHA of 40 hex digits',
    ],
    [{ ...payload, repo: 'acme' }, 'registerCiWait.repo must be owner/name'],
    [{ ...payload, headSha: 'main' }, 'registerCiWait.headSha must be a commit SHA of 40 hex digits'],
    [{ ...payload, runId: 1.5 }, 'registerCiWait.runId must be an integer'],
  ])('refuses %j with a BadRequestError naming every wrong field', (event, message) => {
    let thrown: unknown;
    try {
      parseRegisterCiWait(event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect((thrown as Error).message).toBe(message);
  });
});
