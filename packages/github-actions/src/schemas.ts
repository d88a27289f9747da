import type { OpenApiDocument } from '@enterprise-agents/core/bedrock';
import ci from '../../../schemas/action-groups/github-ci.json' with { type: 'json' };
import discovery from '../../../schemas/action-groups/github-discovery.json' with { type: 'json' };
import planning from '../../../schemas/action-groups/github-planning.json' with { type: 'json' };

/** The OpenAPI documents of the action groups this Lambda serves (Terraform attaches the same files). */
export const GITHUB_ACTION_GROUPS: readonly OpenApiDocument[] = [
  discovery as OpenApiDocument,
  planning as OpenApiDocument,
  ci as OpenApiDocument,
];
