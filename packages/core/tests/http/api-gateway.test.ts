import { BadRequestError, HttpError, UnauthorizedError } from '@enterprise-agents/core/errors';
import {
  assertBodySize,
  assertJsonContentType,
  errorResponse,
  header,
  parseForm,
  parseJsonObject,
  rawBody,
} from '@enterprise-agents/core/http';
import { captureLogger, httpEvent } from '@enterprise-agents/core/testing';

describe('rawBody', () => {
  it('decodes base64 bodies to the exact bytes, including non-ASCII', () => {
    const text = 'text=h%C3%A9llo&emoji=🚀';
    const event = httpEvent({ path: '/slack/commands', body: text, base64: true });
    expect(event.body).not.toBe(text);
    expect(rawBody(event).toString('utf8')).toBe(text);
    expect(rawBody(httpEvent({ path: '/x', body: 'plain ü' })).toString('utf8')).toBe('plain ü');
    expect(rawBody(httpEvent({ path: '/x' })).length).toBe(0);
  });
});

describe('headers and parsing', () => {
  it('finds headers case-insensitively', () => {
    const event = { headers: { 'X-GitHub-Event': 'ping', 'content-type': 'application/json' } };
    expect(header(event, 'x-github-event')).toBe('ping');
    expect(header(event, 'Content-Type')).toBe('application/json');
    expect(header(event, 'missing')).toBeUndefined();
  });

  it('accepts JSON content types and refuses others with what to configure', () => {
    expect(() =>
      assertJsonContentType({ headers: { 'content-type': 'application/json; charset=utf-8' } }, 'GitHub'),
    ).not.toThrow();
    expect(() =>
      assertJsonContentType({ headers: { 'content-type': 'application/vnd.api+json' } }, 'GitHub'),
    ).not.toThrow();
    expect(() =>
      assertJsonContentType({ headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 'GitHub'),
    ).toThrow(/configure the GitHub webhook to send JSON/);
    expect(() => assertJsonContentType({ headers: {} }, 'Jira')).toThrow(/got none/);
  });

  it('rejects bodies over the limit with 413', () => {
    expect(() => assertBodySize(Buffer.alloc(11), 10)).toThrow(expect.objectContaining({ statusCode: 413 }));
    expect(() => assertBodySize(Buffer.alloc(10), 10)).not.toThrow();
  });

  it('parses JSON objects only', () => {
    expect(parseJsonObject(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(() => parseJsonObject(Buffer.from('{"a":'))).toThrow(BadRequestError);
    expect(() => parseJsonObject(Buffer.from('[1]'))).toThrow('body must be a JSON object');
    expect(() => parseJsonObject(Buffer.from('null'))).toThrow(BadRequestError);
  });

  it('parses form bodies', () => {
    expect(parseForm(Buffer.from('command=%2Fagent&text=status+PAY-1')).get('text')).toBe('status PAY-1');
  });
});

describe('errorResponse', () => {
  it('exposes 4xx messages', () => {
    const response = errorResponse(new UnauthorizedError());
    expect(response).toMatchObject({ statusCode: 401 });
    expect(JSON.parse(response.body as string)).toEqual({ error: 'invalid signature' });
  });

  it('hides 5xx and unknown errors, and never returns a stack trace', () => {
    const { logger, lines } = captureLogger();
    const secretish = new Error('connect ECONNREFUSED db-password=hunter2');
    const response = errorResponse(secretish, logger);
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe(JSON.stringify({ error: 'internal error' }));
    expect(errorResponse(new HttpError(503, 'upstream token abc leaked')).body).toBe(
      JSON.stringify({ error: 'internal error' }),
    );
    expect(lines()[0]).toMatchObject({ level: 'error', msg: 'unhandled error' });
  });
});
