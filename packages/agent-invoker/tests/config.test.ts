import { describe, expect, it } from '@jest/globals';
import { readConfig } from '../src/config';

const functions = JSON.stringify({
  'github-discovery': 'arn:aws:lambda:us-east-1:1:function:gh',
  'github-planning': 'arn:aws:lambda:us-east-1:1:function:gh',
  'github-ci': 'arn:aws:lambda:us-east-1:1:function:gh',
  jira: 'arn:aws:lambda:us-east-1:1:function:jira',
  sentry: 'arn:aws:lambda:us-east-1:1:function:sentry',
});
const base = { TABLE_NAME: 't', ACTION_GROUP_FUNCTIONS: functions };

describe('readConfig', () => {
  it('defaults to our loop on Bedrock with current Claude models, all priced', () => {
    const config = readConfig(base);
    expect(config).toMatchObject({
      runtime: 'converse',
      provider: 'bedrock',
      models: {
        discovery: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
        planning: 'global.anthropic.claude-sonnet-4-6',
      },
      limits: { maxTurns: 50, maxOutputTokens: 16_000, reserveMs: 120_000 },
      agents: undefined,
      anthropicSecretArn: undefined,
    });
    expect(config.actionGroupFunctions?.jira).toBe('arn:aws:lambda:us-east-1:1:function:jira');
  });

  it('uses the Anthropic names and needs the key secret with MODEL_PROVIDER=anthropic', () => {
    expect(() => readConfig({ ...base, MODEL_PROVIDER: 'anthropic' })).toThrow('ANTHROPIC_SECRET_ARN');
    expect(
      readConfig({ ...base, MODEL_PROVIDER: 'anthropic', ANTHROPIC_SECRET_ARN: 'arn:secret' }).models,
    ).toMatchObject({ discovery: 'claude-haiku-4-5-20251001', cicd: 'claude-sonnet-4-6' });
  });

  it('needs agent ids only for Agents Classic, and no action-group functions there', () => {
    expect(() => readConfig({ TABLE_NAME: 't', AGENT_RUNTIME: 'agents-classic' })).toThrow('AGENTS');
    const agents = JSON.stringify(
      Object.fromEntries(
        ['discovery', 'planning', 'execution', 'cicd'].map((a) => [a, { agentId: 'A', aliasId: 'L' }]),
      ),
    );
    expect(readConfig({ TABLE_NAME: 't', AGENT_RUNTIME: 'agents-classic', AGENTS: agents })).toMatchObject({
      runtime: 'agents-classic',
      actionGroupFunctions: undefined,
    });
  });

  it.each([
    [
      { ACTION_GROUP_FUNCTIONS: '{"jira":"x"}' },
      'ACTION_GROUP_FUNCTIONS.github-discovery needs the function ARN',
    ],
    [{ AGENT_MODELS: '{"planning":"my-new-model"}' }, 'MODEL_PRICES has no price for model my-new-model'],
    [{ AGENT_MODELS: '{"reviewer":"x"}' }, 'AGENT_MODELS has unknown agents: reviewer'],
    [{ AGENT_MAX_TURNS: '0' }, 'AGENT_MAX_TURNS'],
    [{ AGENT_DEADLINE_RESERVE_SECONDS: '5' }, 'AGENT_DEADLINE_RESERVE_SECONDS'],
    [{ AGENT_RUNTIME: 'bedrock-agents' }, 'AGENT_RUNTIME'],
    [{ TASK_BUDGET_USD: '0' }, 'TASK_BUDGET_USD'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => readConfig({ ...base, ...env })).toThrow(message);
  });

  it('accepts a new model when MODEL_PRICES prices it', () => {
    const config = readConfig({
      ...base,
      AGENT_MODELS: '{"planning":"global.anthropic.claude-opus-4-8"}',
      MODEL_PRICES: '{"global.anthropic.claude-opus-4-8":{"inputPerMTok":5,"outputPerMTok":25}}',
    });
    expect(config.models.planning).toBe('global.anthropic.claude-opus-4-8');
    expect(config.prices['global.anthropic.claude-opus-4-8']?.cacheReadPerMTok).toBe(0.5);
  });
});
