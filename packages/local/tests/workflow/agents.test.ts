import { describe, expect, it } from '@jest/globals';
import { selectLocalAgents } from '../../src/workflow/agents';

const aws = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };

describe('selectLocalAgents (make dev)', () => {
  it.each([
    ['nothing set', {}, 'scripted', /^scripted model/],
    ['AWS credentials without AGENT_RUNTIME=converse', aws, 'scripted', /^scripted model/],
    [
      'AGENT_RUNTIME=converse with AWS credentials',
      { ...aws, AGENT_RUNTIME: 'converse' },
      'bedrock',
      /^Bedrock ConverseStream in eu-west-1 \(discovery=global\.anthropic\.claude-haiku-4-5-20251001-v1:0, planning=global\.anthropic\.claude-sonnet-4-6/,
    ],
    [
      'an Anthropic key',
      { ANTHROPIC_API_KEY: 'sk-ant-test' },
      'anthropic',
      /^Anthropic Messages API \(discovery=claude-haiku-4-5-20251001, planning=claude-sonnet-4-6/,
    ],
    [
      'an Anthropic key and a base URL',
      { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' },
      'anthropic',
      /^Anthropic Messages API at http:\/\/127\.0\.0\.1:9/,
    ],
    [
      'AGENT_RUNTIME=scripted over a key',
      { ANTHROPIC_API_KEY: 'k', AGENT_RUNTIME: 'scripted' },
      'scripted',
      /^scripted/,
    ],
    [
      'MODEL_PROVIDER=anthropic over AWS credentials',
      { ...aws, AGENT_RUNTIME: 'converse', MODEL_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'k' },
      'anthropic',
      /^Anthropic/,
    ],
  ])('%s → %s', (_label, env, kind, banner) => {
    const selected = selectLocalAgents(env, {});
    expect(selected.kind).toBe(kind);
    expect(selected.banner).toMatch(banner);
    // The key never reaches the banner.
    expect(selected.banner).not.toContain('sk-ant-test');
  });

  it.each([
    [{ AGENT_RUNTIME: 'converse' }, 'AGENT_RUNTIME=converse needs AWS credentials'],
    [{ AGENT_RUNTIME: 'bedrock' }, 'AGENT_RUNTIME must be converse or scripted'],
    [{ AGENT_RUNTIME: 'converse', AWS_PROFILE: 'dev' }, 'AWS_REGION must name the Bedrock region'],
    [{ MODEL_PROVIDER: 'anthropic' }, 'MODEL_PROVIDER=anthropic needs ANTHROPIC_API_KEY'],
    [
      { ANTHROPIC_API_KEY: 'k', AGENT_MODELS: '{"planning":"claude-opus-9"}' },
      'MODEL_PRICES has no price for model claude-opus-9',
    ],
  ])('stops startup on %j naming what to set', (env, message) => {
    expect(() => selectLocalAgents(env, {})).toThrow(message);
  });
});
