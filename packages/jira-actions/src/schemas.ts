import type { OpenApiDocument } from '@enterprise-agents/core/bedrock';
import jira from '../../../schemas/action-groups/jira.json' with { type: 'json' };

/** The OpenAPI document of the Jira action group (Terraform attaches the same file). */
export const JIRA_ACTION_GROUPS: readonly OpenApiDocument[] = [jira as OpenApiDocument];
