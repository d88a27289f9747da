import { dispatchEvent, isActionPayload, isHttpEvent } from '@enterprise-agents/core/lambda';
import { httpEvent } from '@enterprise-agents/core/testing';
import { describe, expect, it } from '@jest/globals';

const actionGroupEvent = {
  messageVersion: '1.0',
  apiPath: '/issues/{issueId}',
  httpMethod: 'GET',
  actionGroup: 'sentry',
  agent: { name: 'a', id: 'A', alias: 'L', version: '1' },
  sessionId: 's',
  sessionAttributes: {},
  promptSessionAttributes: {},
  inputText: '',
};

describe('dispatchEvent (one dispatch for HTTP, action-group and Step Functions events)', () => {
  const dispatch = dispatchEvent<string>({
    http: async (event, context) => `http ${event.rawPath} ${context ?? ''}`,
    actionGroup: async (event) => `tool ${event.apiPath}`,
    actions: {
      notify: async (payload, context) => `notify ${String(payload.taskId)} ${context ?? ''}`,
    },
    unsupported: (event) => new Error(`unsupported ${isActionPayload(event) ? event.action : typeof event}`),
  });

  it('routes each kind of event to its handler, with the context', async () => {
    expect(await dispatch(httpEvent({ method: 'GET', path: '/health' }), 'ctx')).toBe('http /health ctx');
    expect(await dispatch(actionGroupEvent)).toBe('tool /issues/{issueId}');
    expect(await dispatch({ action: 'notify', taskId: 't1' }, 'ctx')).toBe('notify t1 ctx');
  });

  it.each([
    [{ action: 'transitionEverything' }, 'unsupported transitionEverything'],
    [{ action: 'toString' }, 'unsupported toString'],
    [{ action: 5 }, 'unsupported object'],
    ['x', 'unsupported string'],
    [null, 'unsupported object'],
    [{ apiPath: '/x' }, 'unsupported object'],
  ])('refuses %j with the Lambda’s own error', async (event, message) => {
    await expect(dispatch(event)).rejects.toThrow(message);
  });

  it('treats a kind without a route as unsupported', async () => {
    const actionsOnly = dispatchEvent({ actions: {}, unsupported: () => new Error('no route') });
    await expect(actionsOnly(httpEvent({ method: 'GET', path: '/health' }))).rejects.toThrow('no route');
    await expect(actionsOnly(actionGroupEvent)).rejects.toThrow('no route');
  });

  it('recognises API Gateway requests and Step Functions payloads', () => {
    expect(isHttpEvent(httpEvent({ method: 'POST', path: '/slack/commands' }))).toBe(true);
    expect(isHttpEvent({ requestContext: {} })).toBe(false);
    expect(isActionPayload({ action: 'notify' })).toBe(true);
    expect(isActionPayload([{ action: 'notify' }])).toBe(false);
  });
});
