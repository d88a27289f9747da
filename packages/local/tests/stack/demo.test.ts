import { describe, expect, it } from '@jest/globals';
import { runDemo } from '../../src/stack/demo';

/**
 * `make demo` as a test: the real handlers behind the local HTTP API, signed
 * vendor requests, the real state machine, sandbox CI red then green.
 */
describe('local stack demo', () => {
  it('takes a Jira ticket to a completed task through approval, a red CI and a fix', async () => {
    const report = await runDemo();
    expect(report.task).toMatchObject({
      status: 'COMPLETED',
      repo: 'acme/app',
      branch: 'agent/ENG-42-add-rate-limiting-to-the-login-endpoint',
      attempts: 1,
    });
    expect(report.task.costUsd).toBeGreaterThan(0);
    const types = report.timeline.map((e) => e.type);
    for (const expected of [
      'task.created',
      'task.claimed',
      'approval.requested',
      'approval.approved',
      'ci.failed',
      'ci.passed',
      'task.completed',
    ]) {
      expect(types).toContain(expected);
    }
    expect(types.indexOf('approval.approved')).toBeGreaterThan(types.indexOf('approval.requested'));
    expect(types.indexOf('ci.passed')).toBeGreaterThan(types.indexOf('ci.failed'));
    expect(report.pullRequests).toEqual([expect.objectContaining({ draft: true, head: report.task.branch })]);
    expect(report.slackThread.some((text) => text.includes('ready for review'))).toBe(true);
    // The planning agent's comment with the PR link, and the workflow's completion comment.
    expect(report.jiraComments).toHaveLength(2);
    expect(report.jiraComments[1]).toMatch(/ready for review|completed/i);
    // Every request reached the handlers through the HTTP API and was accepted.
    expect(report.log.filter((line) => /-> (4|5)\d\d/.test(line))).toEqual([]);
  }, 60_000);
});
