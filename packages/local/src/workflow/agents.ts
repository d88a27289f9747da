import {
  type ActionGroupInvoker,
  AGENT_INSTRUCTIONS,
  type AgentRuntime,
  type AgentScript,
  AnthropicModel,
  bedrockModel,
  DEFAULT_COMPACT_AT,
  DEFAULT_MODEL_PRICES,
  LoopAgentRuntime,
  type LoopLimits,
  type ModelPort,
  type ModelPrices,
  readModelSettings,
  ScriptedModel,
  type ScriptedModelOptions,
} from '@enterprise-agents/agent-invoker';
import { type Env, EnvReader } from '@enterprise-agents/core/config';
import { ConversationStore, type TableRef, type TimelineRepository } from '@enterprise-agents/core/db';
import type { AgentName } from '@enterprise-agents/core/domain';
import { ConfigError } from '@enterprise-agents/core/errors';
import type { Logger } from '@enterprise-agents/core/logging';

/** Production's limits, with no deadline (the local runner has no Lambda timeout). */
export const LOCAL_LOOP_LIMITS: LoopLimits = {
  maxTurns: 50,
  maxOutputTokens: 16_000,
  reserveMs: 120_000,
  compactAt: DEFAULT_COMPACT_AT,
};

/** Every agent on the scripted model, priced like Sonnet (DEFAULT_MODEL_PRICES.scripted). */
export const SCRIPTED_MODELS: Readonly<Record<AgentName, string>> = {
  discovery: 'scripted',
  planning: 'scripted',
  execution: 'scripted',
  cicd: 'scripted',
};

export interface LoopRuntimeWiring {
  table: TableRef;
  timeline: TimelineRepository;
  logger: Logger;
  /** Action-group handlers by action group name, called in process. */
  actionGroups: Readonly<Record<string, ActionGroupInvoker>>;
  limits?: Partial<LoopLimits>;
}

/** The production loop (LoopAgentRuntime) on any model port, its tools dispatched in process. */
export const createLoopRuntime = (
  wiring: LoopRuntimeWiring,
  model: { name: string; port: ModelPort; models: Readonly<Record<AgentName, string>>; prices?: ModelPrices },
): LoopAgentRuntime =>
  new LoopAgentRuntime({
    name: model.name,
    model: model.port,
    conversations: new ConversationStore(wiring.table),
    actionGroups: wiring.actionGroups,
    timeline: wiring.timeline,
    logger: wiring.logger.child({ component: 'agent-loop' }),
    limits: { ...LOCAL_LOOP_LIMITS, ...wiring.limits },
    models: model.models,
    prices: model.prices ?? DEFAULT_MODEL_PRICES,
    instructions: AGENT_INSTRUCTIONS,
  });

/** The loop on the scripted model: what tests, `make demo` and `make dev` without credentials run. */
export const createScriptedAgents = (
  wiring: LoopRuntimeWiring & {
    scripts: Partial<Record<AgentName, AgentScript | AgentScript[]>>;
    usage?: ScriptedModelOptions['usage'];
  },
): { model: ScriptedModel; runtime: LoopAgentRuntime } => {
  const model = new ScriptedModel({
    scripts: wiring.scripts,
    ...(wiring.usage === undefined ? {} : { usage: wiring.usage }),
  });
  return {
    model,
    runtime: createLoopRuntime(wiring, { name: 'converse:scripted', port: model, models: SCRIPTED_MODELS }),
  };
};

/** Which agents `make dev` runs, and the banner line that says so. */
export interface LocalAgents {
  /** `scripted`, `bedrock` or `anthropic`. */
  kind: 'scripted' | 'bedrock' | 'anthropic';
  banner: string;
  runtime: (wiring: LoopRuntimeWiring) => AgentRuntime;
}

const hasAwsCredentials = (env: Env): boolean =>
  [
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  ].some((key) => (env[key] ?? '') !== '');

/**
 * The agents of the local stack, from the environment (the same parsers as the
 * Lambda: AGENT_MODELS, MODEL_PRICES, the loop limits): Bedrock ConverseStream when
 * AGENT_RUNTIME=converse and AWS credentials are set, the Anthropic API when
 * ANTHROPIC_API_KEY is set (or MODEL_PROVIDER=anthropic), the scripted model
 * otherwise or when AGENT_RUNTIME=scripted. Real models run the
 * same loop, tools and budgets as production; only the scripted one is free.
 */
export const selectLocalAgents = (
  env: Env,
  scripts: Partial<Record<AgentName, AgentScript | AgentScript[]>>,
): LocalAgents => {
  const explicit = new EnvReader(env).optionalString('AGENT_RUNTIME');
  if (explicit !== undefined && explicit !== 'converse' && explicit !== 'scripted')
    throw new ConfigError(`AGENT_RUNTIME must be converse or scripted locally (got ${explicit})`);
  const anthropicKey = env.ANTHROPIC_API_KEY ?? '';
  const scripted: LocalAgents = {
    kind: 'scripted',
    banner:
      'scripted model (deterministic, free, no network): AGENT_RUNTIME=converse with AWS credentials uses Bedrock, ANTHROPIC_API_KEY the Anthropic API',
    runtime: (wiring) => createScriptedAgents({ ...wiring, scripts }).runtime,
  };
  if (explicit === 'scripted') return scripted;
  const anthropic = (): LocalAgents => {
    if (anthropicKey === '') throw new ConfigError('MODEL_PROVIDER=anthropic needs ANTHROPIC_API_KEY');
    const settings = readModelSettings({ ...env, MODEL_PROVIDER: 'anthropic' });
    const baseUrl = env.ANTHROPIC_BASE_URL === '' ? undefined : env.ANTHROPIC_BASE_URL;
    return {
      kind: 'anthropic',
      banner: `Anthropic Messages API${baseUrl === undefined ? '' : ` at ${baseUrl}`} (${describeModels(settings.models)}); real tokens, real cost`,
      runtime: (wiring) =>
        createLoopRuntime(
          { ...wiring, limits: settings.limits },
          {
            name: 'converse:anthropic',
            port: new AnthropicModel({
              apiKey: async () => anthropicKey,
              ...(baseUrl === undefined ? {} : { baseUrl }),
            }),
            models: settings.models,
            prices: settings.prices,
          },
        ),
    };
  };
  if (env.MODEL_PROVIDER === 'anthropic') return anthropic();
  if (explicit === 'converse' && hasAwsCredentials(env)) {
    const settings = readModelSettings({ ...env, MODEL_PROVIDER: 'bedrock' });
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (region === undefined || region === '')
      throw new ConfigError(
        'AWS_REGION must name the Bedrock region when AGENT_RUNTIME=converse uses AWS credentials',
      );
    return {
      kind: 'bedrock',
      banner: `Bedrock ConverseStream in ${region} (${describeModels(settings.models)}); real tokens, real cost`,
      runtime: (wiring) =>
        createLoopRuntime(
          { ...wiring, limits: settings.limits },
          {
            name: 'converse:bedrock',
            port: bedrockModel({ region }),
            models: settings.models,
            prices: settings.prices,
          },
        ),
    };
  }
  if (anthropicKey !== '') return anthropic();
  if (explicit === 'converse')
    throw new ConfigError(
      'AGENT_RUNTIME=converse needs AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID, and AWS_REGION) for Bedrock, or ANTHROPIC_API_KEY for the Anthropic API; unset it for the scripted model',
    );
  return scripted;
};

const describeModels = (models: Readonly<Record<AgentName, string>>): string =>
  Object.entries(models)
    .map(([agent, model]) => `${agent}=${model}`)
    .join(', ');
