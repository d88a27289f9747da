import { EnvReader } from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';
import { describe, expect, it } from '@jest/globals';
import { readConfig } from '../src/config';

const base = {
  TABLE_NAME: 'tasks',
  EVENT_BUS_NAME: 'bus',
  SLACK_SECRET_ARN: 'arn:slack',
  SLACK_DEFAULT_CHANNEL: 'C0DEF',
  AWS_LAMBDA_FUNCTION_NAME: 'slack-handler-fn',
};

describe('readConfig', () => {
  it('reads defaults and falls back to the Lambda function name for self-invocation', () => {
    expect(readConfig(new EnvReader(base))).toEqual({
      logLevel: 'info',
      secretsCacheSeconds: 300,
      tableName: 'tasks',
      eventBusName: 'bus',
      slackSecretArn: 'arn:slack',
      slackApiUrl: 'https://slack.com/api/',
      selfFunctionName: 'slack-handler-fn',
      settings: { defaultChannel: 'C0DEF', channelMap: {}, approvers: [], maxFixAttempts: 3 },
    });
  });

  it('reads the channel map, approvers and group', () => {
    const config = readConfig(
      new EnvReader({
        ...base,
        SELF_FUNCTION_NAME: 'self',
        SLACK_CHANNEL_MAP: '{"PROJ":"C1","Acme/API":"C2"}',
        SLACK_APPROVERS: 'U1, U2',
        SLACK_APPROVER_GROUP: 'S1',
        MAX_FIX_ATTEMPTS: '5',
      }),
    );
    expect(config.selfFunctionName).toBe('self');
    expect(config.settings).toEqual({
      defaultChannel: 'C0DEF',
      channelMap: { PROJ: 'C1', 'acme/api': 'C2' },
      approvers: ['U1', 'U2'],
      approverGroup: 'S1',
      maxFixAttempts: 5,
    });
  });

  it.each([
    [{ SLACK_DEFAULT_CHANNEL: '' }, 'SLACK_DEFAULT_CHANNEL'],
    [{ SLACK_CHANNEL_MAP: '[1]' }, 'SLACK_CHANNEL_MAP must be a JSON object'],
    [{ SLACK_CHANNEL_MAP: '{"A":5}' }, 'SLACK_CHANNEL_MAP entry "A"'],
    [{ SLACK_CHANNEL_MAP: '{oops' }, 'SLACK_CHANNEL_MAP must be valid JSON'],
    [{ SLACK_APPROVERS: 'U1,<@U2>' }, 'SLACK_APPROVERS entry "<@U2>"'],
    [{ MAX_FIX_ATTEMPTS: 'three' }, 'MAX_FIX_ATTEMPTS'],
    // The one rule of every reader and of Terraform: at least one CI/CD agent run.
    [{ MAX_FIX_ATTEMPTS: '0' }, 'environment variable MAX_FIX_ATTEMPTS must be >= 1'],
    [{ SECRETS_CACHE_SECONDS: '7200' }, 'environment variable SECRETS_CACHE_SECONDS must be <= 3600'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('fails fast on %j', (env, message) => {
    expect(() => readConfig(new EnvReader({ ...base, ...env }))).toThrow(ConfigError);
    expect(() => readConfig(new EnvReader({ ...base, ...env }))).toThrow(message);
  });
});
