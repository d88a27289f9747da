import { AgentName } from '@enterprise-agents/core/domain';
import cicd from '../../../../infrastructure/agents/cicd.md';
import discovery from '../../../../infrastructure/agents/discovery.md';
import execution from '../../../../infrastructure/agents/execution.md';
import planning from '../../../../infrastructure/agents/planning.md';

/**
 * The system prompt of each agent: the same files Agents Classic gets as its
 * instruction (Terraform file()), bundled as text by esbuild and loaded as text by jest.
 */
export const AGENT_INSTRUCTIONS: Readonly<Record<AgentName, string>> = {
  [AgentName.Discovery]: discovery,
  [AgentName.Planning]: planning,
  [AgentName.Execution]: execution,
  [AgentName.Cicd]: cicd,
};
