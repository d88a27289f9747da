import {
  verifyGitHubSignature,
  verifyJiraSignature,
  verifySentrySignature,
  verifySlackSignature,
} from '@enterprise-agents/core/signatures';

// Published known-answer vectors (../shared/reference/protocols.md).
const GITHUB = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  header: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};
const SLACK = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  nowMs: 1531420618000,
};

const flipByte = (text: string, index: number): Buffer => {
  const bytes = Buffer.from(text, 'utf8');
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return bytes;
};

describe('GitHub X-Hub-Signature-256', () => {
  it('accepts the published vector', () => {
    expect(verifyGitHubSignature(Buffer.from(GITHUB.body), GITHUB.header, [GITHUB.secret])).toEqual({
      ok: true,
    });
  });

  it('accepts an uppercase hex digest and a rotated secret list', () => {
    expect(
      verifyGitHubSignature(
        Buffer.from(GITHUB.body),
        GITHUB.header.toUpperCase().replace('SHA256', 'sha256'),
        ['old', GITHUB.secret],
      ).ok,
    ).toBe(true);
  });

  it.each([
    ['a flipped body byte', flipByte(GITHUB.body, 0), GITHUB.header, [GITHUB.secret]],
    [
      'a flipped last body byte',
      flipByte(GITHUB.body, GITHUB.body.length - 1),
      GITHUB.header,
      [GITHUB.secret],
    ],
    ['the wrong secret', Buffer.from(GITHUB.body), GITHUB.header, ['not the secret']],
    ['a missing header', Buffer.from(GITHUB.body), undefined, [GITHUB.secret]],
    ['an empty header', Buffer.from(GITHUB.body), '', [GITHUB.secret]],
    ['a sha1 scheme', Buffer.from(GITHUB.body), GITHUB.header.replace('sha256', 'sha1'), [GITHUB.secret]],
    ['a truncated digest', Buffer.from(GITHUB.body), GITHUB.header.slice(0, -2), [GITHUB.secret]],
    ['no secret configured', Buffer.from(GITHUB.body), GITHUB.header, []],
  ])('rejects %s', (_name, body, header, secrets) => {
    expect(verifyGitHubSignature(body, header, secrets).ok).toBe(false);
  });
});

describe('Jira X-Hub-Signature (same construction as GitHub)', () => {
  it('accepts the derived vector and rejects a tampered body', () => {
    expect(verifyJiraSignature(Buffer.from(GITHUB.body), GITHUB.header, [GITHUB.secret]).ok).toBe(true);
    expect(verifyJiraSignature(flipByte(GITHUB.body, 3), GITHUB.header, [GITHUB.secret]).ok).toBe(false);
    expect(verifyJiraSignature(Buffer.from(GITHUB.body), undefined, [GITHUB.secret]).ok).toBe(false);
  });
});

describe('Sentry-Hook-Signature (bare hex)', () => {
  const hex = GITHUB.header.slice('sha256='.length);
  it('accepts the derived vector', () => {
    expect(verifySentrySignature(Buffer.from(GITHUB.body), hex, [GITHUB.secret]).ok).toBe(true);
  });
  it('rejects a prefixed value, a tampered body, the wrong secret and a missing header', () => {
    expect(verifySentrySignature(Buffer.from(GITHUB.body), GITHUB.header, [GITHUB.secret]).ok).toBe(false);
    expect(verifySentrySignature(flipByte(GITHUB.body, 5), hex, [GITHUB.secret]).ok).toBe(false);
    expect(verifySentrySignature(Buffer.from(GITHUB.body), hex, ['wrong']).ok).toBe(false);
    expect(verifySentrySignature(Buffer.from(GITHUB.body), undefined, [GITHUB.secret]).ok).toBe(false);
  });
});

describe('Slack v0 signature', () => {
  const verify = (
    overrides: Partial<{
      body: Buffer;
      signature?: string;
      timestamp?: string;
      secret: string;
      nowMs: number;
    }>,
  ) =>
    verifySlackSignature({
      body: overrides.body ?? Buffer.from(SLACK.body),
      signature: 'signature' in overrides ? overrides.signature : SLACK.signature,
      timestamp: 'timestamp' in overrides ? overrides.timestamp : SLACK.timestamp,
      signingSecret: overrides.secret ?? SLACK.secret,
      nowMs: overrides.nowMs ?? SLACK.nowMs,
    });

  it('accepts the published vector (362-byte body)', () => {
    expect(Buffer.byteLength(SLACK.body)).toBe(362);
    expect(verify({})).toEqual({ ok: true });
  });

  it('accepts at the edge of the window, both directions', () => {
    expect(verify({ nowMs: SLACK.nowMs + 300_000 }).ok).toBe(true);
    expect(verify({ nowMs: SLACK.nowMs - 300_000 }).ok).toBe(true);
  });

  it.each([
    ['a flipped body byte', { body: flipByte(SLACK.body, 10) }],
    ['the wrong secret', { secret: '8f742231b10e8888abcd99yyyzzz85a6' }],
    ['a missing signature', { signature: undefined }],
    ['a missing timestamp', { timestamp: undefined }],
    ['a malformed timestamp', { timestamp: '15314206l8' }],
    ['a timestamp that does not match the signature', { timestamp: '1531420619', nowMs: SLACK.nowMs }],
    ['a stale timestamp (+301 s)', { nowMs: SLACK.nowMs + 301_000 }],
    ['a future timestamp (-301 s)', { nowMs: SLACK.nowMs - 301_000 }],
    ['an empty secret', { secret: '' }],
  ])('rejects %s', (_name, overrides) => {
    expect(verify(overrides as Parameters<typeof verify>[0]).ok).toBe(false);
  });
});
