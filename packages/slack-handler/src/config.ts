import {
  type EnvReader,
  readMaxFixAttempts,
  readSharedConfig,
  readTableName,
  type SharedConfig,
} from '@enterprise-agents/core/config';
import { ConfigError } from '@enterprise-agents/core/errors';
import { isPlainObject } from '@enterprise-agents/core/util';

/** Everything the handler reads from the environment, once per container. */
export interface SlackHandlerConfig extends SharedConfig {
  tableName: string;
  eventBusName: string;
  slackSecretArn: string;
  slackApiUrl: string;
  /** Its own function name, for asynchronous follow-ups (Lambda sets AWS_LAMBDA_FUNCTION_NAME). */
  selfFunctionName: string;
  settings: SlackSettings;
}

/** The part of the configuration the domain code needs. */
export interface SlackSettings {
  defaultChannel: string;
  /** Jira project key or `owner/repo` -> channel id. */
  channelMap: Readonly<Record<string, string>>;
  approvers: readonly string[];
  approverGroup?: string;
  maxFixAttempts: number;
}

const SLACK_ID = /^[A-Z0-9][A-Z0-9_-]*$/i;

/** Reads and validates SLACK_CHANNEL_MAP: a flat JSON object of channel ids. */
export const parseChannelMap = (value: unknown): Record<string, string> => {
  if (!isPlainObject(value))
    throw new ConfigError(
      'SLACK_CHANNEL_MAP must be a JSON object {"<project or owner/repo>": "<channel id>"}',
    );
  const map: Record<string, string> = {};
  for (const [key, channel] of Object.entries(value)) {
    if (typeof channel !== 'string' || !SLACK_ID.test(channel))
      throw new ConfigError(`SLACK_CHANNEL_MAP entry "${key}" must be a channel id string`);
    // Repositories are matched case-insensitively, as GitHub does.
    map[key.includes('/') ? key.toLowerCase() : key] = channel;
  }
  return map;
};

/** Reads the handler configuration; throws ConfigError naming the variable at fault. */
export const readSettings = (env: EnvReader): SlackSettings => {
  const approvers = env.list('SLACK_APPROVERS');
  for (const id of approvers) {
    if (!SLACK_ID.test(id)) throw new ConfigError(`SLACK_APPROVERS entry "${id}" is not a Slack user id`);
  }
  const approverGroup = env.optionalString('SLACK_APPROVER_GROUP');
  return {
    defaultChannel: env.string('SLACK_DEFAULT_CHANNEL'),
    channelMap: parseChannelMap(env.json<unknown>('SLACK_CHANNEL_MAP', {})),
    approvers,
    ...(approverGroup === undefined ? {} : { approverGroup }),
    maxFixAttempts: readMaxFixAttempts(env),
  };
};

/** Reads the whole production configuration. */
export const readConfig = (env: EnvReader): SlackHandlerConfig => ({
  ...readSharedConfig(env),
  tableName: readTableName(env),
  eventBusName: env.string('EVENT_BUS_NAME'),
  slackSecretArn: env.string('SLACK_SECRET_ARN'),
  slackApiUrl: env.string('SLACK_API_URL', 'https://slack.com/api/'),
  selfFunctionName: env.optionalString('SELF_FUNCTION_NAME') ?? env.string('AWS_LAMBDA_FUNCTION_NAME'),
  settings: readSettings(env),
});
