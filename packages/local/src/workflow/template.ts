import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The template variables of orchestrator.asl.json (docs/contracts.md); Terraform passes the same. */
export interface TemplateVars {
  agent_invoker_arn: string;
  slack_handler_arn: string;
  github_actions_arn: string;
  jira_actions_arn: string;
  approval_timeout_seconds: number;
  ci_timeout_seconds: number;
  max_fix_attempts: number;
  max_agent_continues: number;
}

export const TEMPLATE_VARIABLES = [
  'agent_invoker_arn',
  'slack_handler_arn',
  'github_actions_arn',
  'jira_actions_arn',
  'approval_timeout_seconds',
  'ci_timeout_seconds',
  'max_fix_attempts',
  'max_agent_continues',
] as const satisfies readonly (keyof TemplateVars)[];

/** Function ARNs of the in-process Lambdas (any well-formed ARN works; these name the local stack). */
export const LOCAL_FUNCTION_ARNS = {
  agentInvoker: 'arn:aws:lambda:us-east-1:000000000000:function:enterprise-agents-agent-invoker',
  slackHandler: 'arn:aws:lambda:us-east-1:000000000000:function:enterprise-agents-slack-handler',
  githubActions: 'arn:aws:lambda:us-east-1:000000000000:function:enterprise-agents-github-actions',
  jiraActions: 'arn:aws:lambda:us-east-1:000000000000:function:enterprise-agents-jira-actions',
} as const;

/** Production defaults: 72 h approval, 2 h CI, 3 fix attempts, 8 continues of one agent step. */
export const DEFAULT_TEMPLATE_VARS: TemplateVars = {
  agent_invoker_arn: LOCAL_FUNCTION_ARNS.agentInvoker,
  slack_handler_arn: LOCAL_FUNCTION_ARNS.slackHandler,
  github_actions_arn: LOCAL_FUNCTION_ARNS.githubActions,
  jira_actions_arn: LOCAL_FUNCTION_ARNS.jiraActions,
  approval_timeout_seconds: 259_200,
  ci_timeout_seconds: 7_200,
  max_fix_attempts: 3,
  max_agent_continues: 8,
};

/** Where the one definition lives (the file Terraform's templatefile() reads). */
export const ORCHESTRATOR_TEMPLATE_PATH = ((): string => {
  // Walk up from this module: the same lookup works from src/ and from a bundled CLI.
  const relative = join('infrastructure', 'statemachine', 'orchestrator.asl.json');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${relative} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
})();

export const readOrchestratorTemplate = (path = ORCHESTRATOR_TEMPLATE_PATH): string =>
  readFileSync(path, 'utf8');

/**
 * Renders the template the way Terraform's templatefile() does for this file:
 * every `${name}` replaced by its value. Every placeholder sits inside a JSON
 * string (numbers are parsed by the definition's InitRun state), so the
 * template is valid JSON before and after. Unknown variables and template
 * directives (`%{`) are errors, as in Terraform.
 */
export const renderTemplate = (template: string, vars: TemplateVars): string => {
  if (template.includes('%{'))
    throw new Error('the template contains a %{ directive; Terraform would interpret it');
  return template.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name))
      throw new Error(`unknown template variable \${${name}}`);
    return String(vars[name as keyof TemplateVars]);
  });
};

/** The rendered, parsed state machine definition. */
export const renderOrchestrator = (
  vars: Partial<TemplateVars> = {},
  template = readOrchestratorTemplate(),
): Record<string, unknown> => JSON.parse(renderTemplate(template, { ...DEFAULT_TEMPLATE_VARS, ...vars }));
