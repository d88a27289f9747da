import type { OpenApiDocument } from '@enterprise-agents/core/bedrock';
import sentry from '../../../schemas/action-groups/sentry.json' with { type: 'json' };

/** The OpenAPI document of the Sentry action group (Terraform attaches the same file). */
export const SENTRY_ACTION_GROUPS: readonly OpenApiDocument[] = [sentry as OpenApiDocument];
