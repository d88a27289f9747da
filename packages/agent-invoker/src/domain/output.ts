import { AgentName } from '@enterprise-agents/core/domain';
import { isPlainObject } from '@enterprise-agents/core/util';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import cicdSchema from '../../../../schemas/agent-outputs/cicd.json' with { type: 'json' };
import discoverySchema from '../../../../schemas/agent-outputs/discovery.json' with { type: 'json' };
import executionSchema from '../../../../schemas/agent-outputs/execution.json' with { type: 'json' };
import planningSchema from '../../../../schemas/agent-outputs/planning.json' with { type: 'json' };

/** Discovery: ranked repositories. */
export interface DiscoveryOutput {
  repositories: { repo: string; confidence: number; reason: string; paths?: string[] }[];
  summary: string;
}
/** Planning: where the plan lives. */
export interface PlanningOutput {
  repo: string;
  branch: string;
  prNumber: number;
  prUrl: string;
  summary: string;
  estimatedScope?: 'small' | 'medium' | 'large';
  repositories?: string[];
  tasks?: string[];
}
/** Execution: the pushed commit. */
export interface ExecutionOutput {
  headSha: string;
  filesChanged: string[];
  summary: string;
  testsAdded?: boolean;
}
/** CI/CD: whether a fix was pushed. */
export interface CicdOutput {
  fixPushed: boolean;
  headSha: string;
  diagnosis: string;
  filesChanged?: string[];
}
export interface AgentOutputs {
  discovery: DiscoveryOutput;
  planning: PlanningOutput;
  execution: ExecutionOutput;
  cicd: CicdOutput;
}
export type AgentOutput = AgentOutputs[AgentName];

/** The JSON Schemas in schemas/agent-outputs, by agent. */
export const OUTPUT_SCHEMAS: Readonly<Record<AgentName, object>> = {
  [AgentName.Discovery]: discoverySchema,
  [AgentName.Planning]: planningSchema,
  [AgentName.Execution]: executionSchema,
  [AgentName.Cicd]: cicdSchema,
};

const FENCE = /```(?:json|JSON)?[ \t]*\n([\s\S]*?)```/g;

/** The end of the balanced JSON object starting at `start`, honouring strings; -1 if none. */
const objectEnd = (text: string, start: number): number => {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth += 1;
    else if (ch === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
};

const parseObject = (candidate: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(candidate);
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The structured result an agent ends with: the last fenced JSON block that
 * parses to an object, else the last bare top-level `{…}` in the text. Agents
 * think aloud before answering, so the last object is the answer.
 */
export const extractLastJsonObject = (text: string): Record<string, unknown> | undefined => {
  const fenced = [...text.matchAll(FENCE)].map((m) => m[1] ?? '');
  for (let i = fenced.length - 1; i >= 0; i -= 1) {
    const parsed = parseObject((fenced[i] as string).trim());
    if (parsed !== undefined) return parsed;
  }
  // Scan top-level objects left to right; keep the last one that parses.
  let last: Record<string, unknown> | undefined;
  let i = text.indexOf('{');
  while (i !== -1) {
    const end = objectEnd(text, i);
    if (end === -1) {
      i = text.indexOf('{', i + 1);
      continue;
    }
    const parsed = parseObject(text.slice(i, end + 1));
    if (parsed !== undefined) {
      last = parsed;
      i = text.indexOf('{', end + 1);
    } else {
      i = text.indexOf('{', i + 1);
    }
  }
  return last;
};

export type OutputCheck<A extends AgentName = AgentName> =
  | { ok: true; output: AgentOutputs[A] }
  | { ok: false; problems: string[] };

const describe = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map(
    (e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message ?? 'is invalid'}`,
  );

/** Validates agent replies against schemas/agent-outputs plus rules a schema cannot express. */
export class OutputValidator {
  private readonly validators: Record<AgentName, ValidateFunction>;

  constructor(private readonly options: { branchPrefix: string; org?: string }) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    this.validators = {
      [AgentName.Discovery]: ajv.compile(discoverySchema),
      [AgentName.Planning]: ajv.compile(planningSchema),
      [AgentName.Execution]: ajv.compile(executionSchema),
      [AgentName.Cicd]: ajv.compile(cicdSchema),
    };
  }

  check<A extends AgentName>(agent: A, text: string): OutputCheck<A> {
    const value = extractLastJsonObject(text);
    if (value === undefined) return { ok: false, problems: ['the reply contains no JSON object'] };
    const validate = this.validators[agent];
    if (!validate(value)) return { ok: false, problems: describe(validate.errors) };
    const problems = this.semanticProblems(agent, value);
    return problems.length === 0
      ? { ok: true, output: value as unknown as AgentOutputs[A] }
      : { ok: false, problems };
  }

  private semanticProblems(agent: AgentName, value: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const org = this.options.org?.toLowerCase();
    const outsideOrg = (repo: string) => org !== undefined && repo.split('/')[0]?.toLowerCase() !== org;
    if (agent === AgentName.Planning) {
      const plan = value as unknown as PlanningOutput;
      if (!plan.branch.startsWith(this.options.branchPrefix))
        problems.push(`/branch must start with ${this.options.branchPrefix}`);
      if (outsideOrg(plan.repo)) problems.push(`/repo must be inside the ${this.options.org} organization`);
      if (!plan.prUrl.includes(`/pull/${plan.prNumber}`))
        problems.push('/prUrl must be the URL of pull request prNumber');
    }
    if (agent === AgentName.Discovery) {
      const found = value as unknown as DiscoveryOutput;
      for (const [i, r] of found.repositories.entries())
        if (outsideOrg(r.repo))
          problems.push(`/repositories/${i}/repo must be inside the ${this.options.org} organization`);
    }
    return problems;
  }
}
