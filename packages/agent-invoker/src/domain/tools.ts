import type {
  ActionGroupEvent,
  ActionGroupResponse,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiSchemaObject,
} from '@enterprise-agents/core/bedrock';
import { AgentName } from '@enterprise-agents/core/domain';
import githubCi from '../../../../schemas/action-groups/github-ci.json' with { type: 'json' };
import githubDiscovery from '../../../../schemas/action-groups/github-discovery.json' with { type: 'json' };
import githubPlanning from '../../../../schemas/action-groups/github-planning.json' with { type: 'json' };
import jira from '../../../../schemas/action-groups/jira.json' with { type: 'json' };
import sentry from '../../../../schemas/action-groups/sentry.json' with { type: 'json' };
import type { ToolSpec } from './model';

/** Action group names, as Terraform and the schemas name them (schemas/action-groups/<name>.json). */
export const ActionGroup = {
  GitHubDiscovery: 'github-discovery',
  GitHubPlanning: 'github-planning',
  GitHubCi: 'github-ci',
  Jira: 'jira',
  Sentry: 'sentry',
} as const;
export type ActionGroup = (typeof ActionGroup)[keyof typeof ActionGroup];

export const ACTION_GROUP_DOCUMENTS: Readonly<Record<ActionGroup, OpenApiDocument>> = {
  [ActionGroup.GitHubDiscovery]: githubDiscovery as OpenApiDocument,
  [ActionGroup.GitHubPlanning]: githubPlanning as OpenApiDocument,
  [ActionGroup.GitHubCi]: githubCi as OpenApiDocument,
  [ActionGroup.Jira]: jira as OpenApiDocument,
  [ActionGroup.Sentry]: sentry as OpenApiDocument,
};

/**
 * The action groups each agent may use: the same attachments as the Agents Classic
 * resources (infrastructure/terraform/bedrock.tf), which the agents' instructions name.
 */
export const AGENT_ACTION_GROUPS: Readonly<Record<AgentName, readonly ActionGroup[]>> = {
  [AgentName.Discovery]: [ActionGroup.GitHubDiscovery, ActionGroup.Sentry],
  [AgentName.Planning]: [ActionGroup.GitHubPlanning, ActionGroup.Jira],
  [AgentName.Execution]: [ActionGroup.GitHubDiscovery, ActionGroup.GitHubPlanning],
  [AgentName.Cicd]: [ActionGroup.GitHubCi, ActionGroup.GitHubPlanning],
};

/** An action-group handler: the Lambda in AWS, the handler function in process locally. */
export type ActionGroupInvoker = (event: ActionGroupEvent) => Promise<ActionGroupResponse>;

/** One tool of an agent: an OpenAPI operation of one of its action groups. */
export interface AgentTool {
  spec: ToolSpec;
  actionGroup: ActionGroup;
  apiPath: string;
  httpMethod: string;
  operationId: string;
  /** Argument names Bedrock passes as `parameters` (path, query); the rest go in the request body. */
  parameterNames: ReadonlySet<string>;
  /** JSON types of the body properties, as Bedrock labels them. */
  bodyTypes: Readonly<Record<string, string>>;
  /** Whether the operation takes a request body; without one every argument is a parameter. */
  hasBody: boolean;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_DESCRIPTION = 1_000;

/** Strips what Converse's JSON Schema subset rejects from an OpenAPI 3.0 schema. */
const toJsonSchema = (schema: OpenApiSchemaObject): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'example' || key === 'nullable' || key === 'readOnly' || key === 'writeOnly') continue;
    if (key === 'properties' && typeof value === 'object' && value !== null)
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, OpenApiSchemaObject>).map(([k, v]) => [k, toJsonSchema(v)]),
      );
    else if (key === 'items' && typeof value === 'object' && value !== null)
      out.items = toJsonSchema(value as OpenApiSchemaObject);
    else out[key] = value;
  }
  return out;
};

const inputSchemaOf = (
  op: OpenApiOperation,
): { schema: Record<string, unknown>; parameters: Set<string>; bodyTypes: Record<string, string> } => {
  const body = op.requestBody?.content?.['application/json']?.schema;
  const properties: Record<string, unknown> = {};
  const required = new Set<string>(body?.required ?? []);
  const bodyTypes: Record<string, string> = {};
  for (const [name, schema] of Object.entries(body?.properties ?? {})) {
    properties[name] = toJsonSchema(schema);
    bodyTypes[name] = schema.type ?? 'string';
  }
  const parameters = new Set<string>();
  for (const parameter of op.parameters ?? []) {
    parameters.add(parameter.name);
    properties[parameter.name] = toJsonSchema({
      ...(parameter.schema ?? { type: 'string' }),
      ...(parameter.description === undefined ? {} : { description: parameter.description }),
    });
    if (parameter.required === true) required.add(parameter.name);
  }
  return {
    schema: { type: 'object', properties, required: [...required], additionalProperties: false },
    parameters,
    bodyTypes,
  };
};

/**
 * The tools of an agent, generated from its action groups' OpenAPI documents: the
 * tool name is the operationId (the name the instructions use), prefixed by the
 * action group only where two groups of one agent share an operationId.
 */
export const toolsFor = (
  agent: AgentName,
  documents: Readonly<Record<ActionGroup, OpenApiDocument>> = ACTION_GROUP_DOCUMENTS,
): AgentTool[] => {
  const candidates = AGENT_ACTION_GROUPS[agent].flatMap((group) =>
    Object.entries(documents[group].paths).flatMap(([apiPath, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ group, apiPath, method: method.toUpperCase(), op })),
    ),
  );
  const counts = new Map<string, number>();
  for (const { op } of candidates) counts.set(op.operationId, (counts.get(op.operationId) ?? 0) + 1);
  return candidates.map(({ group, apiPath, method, op }) => {
    const name =
      (counts.get(op.operationId) ?? 0) > 1
        ? `${group.replace(/[^a-zA-Z0-9]/g, '_')}_${op.operationId}`
        : op.operationId;
    if (!TOOL_NAME.test(name)) throw new Error(`tool name ${name} of ${group} is not [a-zA-Z0-9_-]{1,64}`);
    const { schema, parameters, bodyTypes } = inputSchemaOf(op);
    const summary = (op as { summary?: string }).summary;
    const description = (op.description ?? summary ?? `${method} ${apiPath}`).slice(0, MAX_DESCRIPTION);
    return {
      spec: { name, description, inputSchema: schema },
      actionGroup: group,
      apiPath,
      httpMethod: method,
      operationId: op.operationId,
      parameterNames: parameters,
      bodyTypes,
      hasBody: op.requestBody !== undefined,
    };
  });
};

const asString = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const bedrockType = (value: unknown, declared: string | undefined): string => {
  if (declared !== undefined) return declared;
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
};

/**
 * The event Bedrock Agents would send for this call: every value a string,
 * path and query arguments as `parameters`, the rest as request body
 * properties, and the session attributes (taskId) the guardrails and the
 * timeline read. Action groups cannot tell our loop from Agents Classic.
 */
export const toActionGroupEvent = (
  tool: AgentTool,
  input: Record<string, unknown>,
  session: { agent: AgentName; sessionId: string; sessionAttributes: Record<string, string> },
): ActionGroupEvent => {
  const entries = Object.entries(input).filter(([, value]) => value !== undefined && value !== null);
  // Arguments the schema does not name still reach the handler, whose validation refuses them clearly.
  const isParameter = (name: string): boolean => tool.parameterNames.has(name) || !tool.hasBody;
  const parameters = entries
    .filter(([name]) => isParameter(name))
    .map(([name, value]) => ({
      name,
      type: typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : 'string',
      value: asString(value),
    }));
  const properties = entries
    .filter(([name]) => !isParameter(name))
    .map(([name, value]) => ({
      name,
      type: bedrockType(value, tool.bodyTypes[name]),
      value: asString(value),
    }));
  return {
    messageVersion: '1.0',
    agent: { name: `${session.agent}-agent`, id: 'CONVERSE', alias: 'LOOP', version: '1' },
    inputText: '',
    sessionId: session.sessionId,
    actionGroup: tool.actionGroup,
    apiPath: tool.apiPath,
    httpMethod: tool.httpMethod,
    parameters,
    ...(properties.length === 0 ? {} : { requestBody: { content: { 'application/json': { properties } } } }),
    sessionAttributes: { ...session.sessionAttributes },
    promptSessionAttributes: {},
  };
};
