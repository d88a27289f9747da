import { describe, expect, it } from '@jest/globals';
import { decideJira, type JiraTriggerConfig } from '../../src/domain/jira';
import { fixture, JIRA_BOT_ACCOUNT } from '../support';

const config: JiraTriggerConfig = { triggerLabel: 'AI', allowedProjects: [], botAccountId: JIRA_BOT_ACCOUNT };

const created = (mutate: (fields: Record<string, unknown>) => void = () => {}) => {
  const payload = fixture('jira-issue-created.json');
  mutate((payload.issue as { fields: Record<string, unknown> }).fields);
  return payload;
};

describe('decideJira', () => {
  it('starts on the trigger label, case-insensitively, and takes the site from issue.self without JIRA_BASE_URL', () => {
    const decision = decideJira(
      created((f) => {
        f.labels = ['ai'];
      }),
      config,
    );
    expect(decision).toMatchObject({ kind: 'start', trigger: 'label', actor: 'Mia Krystof' });
    if (decision.kind !== 'start') throw new Error('expected start');
    expect(decision.task.context.url).toBe('https://acme.atlassian.net/browse/PAY-42');
  });

  it('starts when created assigned to the bot; ignores without label or bot', () => {
    expect(
      decideJira(
        created((f) => {
          f.labels = [];
          f.assignee = { accountId: JIRA_BOT_ACCOUNT, displayName: 'Agent' };
        }),
        config,
      ),
    ).toMatchObject({ kind: 'start', trigger: 'assignee' });
    const plain = created((f) => {
      f.labels = ['backend'];
    });
    expect(decideJira(plain, config)).toMatchObject({ kind: 'ignore' });
    expect(decideJira(plain, { ...config, triggerLabel: 'backend' })).toMatchObject({ kind: 'start' });
    expect(decideJira(created(), { ...config, botAccountId: undefined })).toMatchObject({ kind: 'start' });
  });

  it('on update starts only when the changelog added the label, not when it was there already or removed', () => {
    const updated = fixture('jira-issue-updated-label.json');
    expect(decideJira(updated, config)).toMatchObject({ kind: 'start', trigger: 'label' });
    const removed = fixture('jira-issue-updated-label.json');
    (removed.changelog as { items: Record<string, unknown>[] }).items = [
      { field: 'labels', fieldId: 'labels', fromString: 'AI backend', toString: 'backend' },
    ];
    expect(decideJira(removed, config)).toMatchObject({ kind: 'ignore' });
    const commented = fixture('jira-issue-updated-label.json');
    delete commented.changelog;
    commented.issue_event_type_name = 'issue_commented';
    expect(decideJira(commented, config)).toMatchObject({ kind: 'ignore' });
  });

  it('filters projects and bounds what it stores', () => {
    expect(decideJira(created(), { ...config, allowedProjects: ['ops', 'pay'] })).toMatchObject({
      kind: 'start',
    });
    const big = decideJira(
      created((f) => {
        f.labels = ['AI', ...Array.from({ length: 500 }, (_, i) => `l${i}`)];
        f.summary = 's'.repeat(5000);
        f.description = 'd'.repeat(100_000);
      }),
      config,
    );
    if (big.kind !== 'start') throw new Error('expected start');
    expect(big.task.context.labels).toHaveLength(50);
    expect(big.task.title.length).toBeLessThanOrEqual(255);
    expect(big.task.context.description?.length).toBeLessThanOrEqual(20_000);
  });

  it('refuses payloads whose issue key is missing or not a key', () => {
    for (const key of [undefined, 42, 'not a key', `ABC-${'1'.repeat(5000)}`, `${'A'.repeat(500)}-1`]) {
      const payload = fixture('jira-issue-created.json');
      (payload.issue as Record<string, unknown>).key = key;
      expect(() => decideJira(payload, config)).toThrow(/issue\.key/);
    }
  });

  it('ignores other events', () => {
    expect(decideJira({ webhookEvent: 'comment_created' }, config)).toEqual({
      kind: 'ignore',
      reason: 'jira event comment_created is not handled',
    });
  });
});
