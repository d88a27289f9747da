import { listSchemaOperations } from '@enterprise-agents/core/bedrock';
import { describe, expect, it } from '@jest/globals';
import { jiraOperations } from '../src/create-handler';
import type { JiraPort } from '../src/domain/ports';
import { JIRA_ACTION_GROUPS } from '../src/schemas';

describe('jira-actions implements exactly its schema', () => {
  it('has a handler for every schema operation and a schema operation for every handler', () => {
    const implemented = Object.keys(
      jiraOperations({
        jira: {} as JiraPort,
        audit: { append: async () => undefined },
        baseUrl: 'x',
        allowedProjects: [],
      }),
    ).sort();
    const declared = listSchemaOperations(JIRA_ACTION_GROUPS).map((o) => o.operationId);
    expect(implemented).toEqual([...declared].sort());
    expect(JIRA_ACTION_GROUPS.map((d) => d.info.title)).toEqual(['jira']);
  });
});
