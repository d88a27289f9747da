import { createHash } from 'node:crypto';
import type { FakeComment, FakePull, FakeRepo, FakeReview } from './state';

/**
 * Webhook bodies shaped field for field like GitHub's (checked against
 * @octokit/webhooks-examples in the fakes' tests): API URLs point at the fake,
 * html URLs at github.com, as a GitHub Enterprise server's would point at itself.
 */

const HTML = 'https://github.com';

/** A stable numeric id for a login (GitHub ids are numbers). */
const idOf = (text: string): number => createHash('sha1').update(text).digest().readUInt32BE(0) % 100_000_000;

const nodeId = (prefix: string, id: number): string => Buffer.from(`${prefix}${id}`).toString('base64');

export type AccountType = 'User' | 'Bot' | 'Organization';

/** A user (or bot, or organization as an owner) object. */
export const accountJson = (api: string, login: string, type: AccountType) => {
  const id = idOf(login);
  const path = type === 'Bot' ? login.replace(/\[bot\]$/, '') : login;
  return {
    login,
    id,
    node_id: nodeId(type === 'Organization' ? '04:Organization' : '04:User', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${api}/users/${path}`,
    html_url: `${HTML}/${type === 'Bot' ? `apps/${path}` : path}`,
    followers_url: `${api}/users/${path}/followers`,
    following_url: `${api}/users/${path}/following{/other_user}`,
    gists_url: `${api}/users/${path}/gists{/gist_id}`,
    starred_url: `${api}/users/${path}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/users/${path}/subscriptions`,
    organizations_url: `${api}/users/${path}/orgs`,
    repos_url: `${api}/users/${path}/repos`,
    events_url: `${api}/users/${path}/events{/privacy}`,
    received_events_url: `${api}/users/${path}/received_events`,
    type,
    site_admin: false,
  };
};

/** The sender / author of an event: logins ending in `[bot]` are bots. */
export const userJson = (api: string, login: string) =>
  accountJson(api, login, login.endsWith('[bot]') ? 'Bot' : 'User');

export const organizationJson = (api: string, login: string) => {
  const id = idOf(login);
  return {
    login,
    id,
    node_id: nodeId('012:Organization', id),
    url: `${api}/orgs/${login}`,
    repos_url: `${api}/orgs/${login}/repos`,
    events_url: `${api}/orgs/${login}/events`,
    hooks_url: `${api}/orgs/${login}/hooks`,
    issues_url: `${api}/orgs/${login}/issues`,
    members_url: `${api}/orgs/${login}/members{/member}`,
    public_members_url: `${api}/orgs/${login}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    description: '',
  };
};

/** The `repository` object of a webhook. */
export const repositoryJson = (api: string, repo: FakeRepo, openIssues: number) => {
  const full = `${repo.owner}/${repo.name}`;
  const base = `${api}/repos/${full}`;
  return {
    id: repo.id,
    node_id: nodeId('010:Repository', repo.id),
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner: accountJson(api, repo.owner, 'Organization'),
    html_url: `${HTML}/${full}`,
    description: repo.description,
    fork: false,
    url: base,
    forks_url: `${base}/forks`,
    keys_url: `${base}/keys{/key_id}`,
    collaborators_url: `${base}/collaborators{/collaborator}`,
    teams_url: `${base}/teams`,
    hooks_url: `${base}/hooks`,
    issue_events_url: `${base}/issues/events{/number}`,
    events_url: `${base}/events`,
    assignees_url: `${base}/assignees{/user}`,
    branches_url: `${base}/branches{/branch}`,
    tags_url: `${base}/tags`,
    blobs_url: `${base}/git/blobs{/sha}`,
    git_tags_url: `${base}/git/tags{/sha}`,
    git_refs_url: `${base}/git/refs{/sha}`,
    trees_url: `${base}/git/trees{/sha}`,
    statuses_url: `${base}/statuses/{sha}`,
    languages_url: `${base}/languages`,
    stargazers_url: `${base}/stargazers`,
    contributors_url: `${base}/contributors`,
    subscribers_url: `${base}/subscribers`,
    subscription_url: `${base}/subscription`,
    commits_url: `${base}/commits{/sha}`,
    git_commits_url: `${base}/git/commits{/sha}`,
    comments_url: `${base}/comments{/number}`,
    issue_comment_url: `${base}/issues/comments{/number}`,
    contents_url: `${base}/contents/{+path}`,
    compare_url: `${base}/compare/{base}...{head}`,
    merges_url: `${base}/merges`,
    archive_url: `${base}/{archive_format}{/ref}`,
    downloads_url: `${base}/downloads`,
    issues_url: `${base}/issues{/number}`,
    pulls_url: `${base}/pulls{/number}`,
    milestones_url: `${base}/milestones{/number}`,
    notifications_url: `${base}/notifications{?since,all,participating}`,
    labels_url: `${base}/labels{/name}`,
    releases_url: `${base}/releases{/id}`,
    deployments_url: `${base}/deployments`,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: repo.pushedAt,
    pushed_at: repo.pushedAt,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `${HTML}/${full}.git`,
    svn_url: `${HTML}/${full}`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: repo.language,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    forks_count: 0,
    mirror_url: null,
    archived: repo.archived,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
    topics: repo.topics,
    visibility: repo.private ? 'private' : 'public',
    is_template: false,
    web_commit_signoff_required: false,
    custom_properties: {},
  };
};

/** The author association GitHub computes; the fake knows owners only by permission. */
const association = (permission: string | undefined, login: string): string =>
  login.endsWith('[bot]')
    ? 'NONE'
    : permission === 'admin'
      ? 'OWNER'
      : permission === 'write' || permission === 'maintain'
        ? 'COLLABORATOR'
        : 'NONE';

export interface PayloadContext {
  api: string;
  repo: FakeRepo;
  openIssues: number;
  permissionOf: (login: string) => string | undefined;
  commentCount: number;
  reviewCommentCount: number;
  headSha: string | null;
  baseSha: string | null;
}

/** The `pull_request` object of a webhook (a superset of the REST answer). */
export const pullRequestJson = (ctx: PayloadContext, pull: FakePull) => {
  const full = `${ctx.repo.owner}/${ctx.repo.name}`;
  const base = `${ctx.api}/repos/${full}`;
  const repository = repositoryJson(ctx.api, ctx.repo, ctx.openIssues);
  const statuses = `${base}/statuses/${ctx.headSha ?? ''}`;
  const updatedAt = pull.mergedAt ?? pull.closedAt ?? pull.createdAt;
  return {
    url: `${base}/pulls/${pull.number}`,
    id: pull.id,
    node_id: nodeId('011:PullRequest', pull.id),
    html_url: `${HTML}/${full}/pull/${pull.number}`,
    diff_url: `${HTML}/${full}/pull/${pull.number}.diff`,
    patch_url: `${HTML}/${full}/pull/${pull.number}.patch`,
    issue_url: `${base}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(ctx.api, pull.user),
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: updatedAt,
    closed_at: pull.closedAt ?? null,
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    commits_url: `${base}/pulls/${pull.number}/commits`,
    review_comments_url: `${base}/pulls/${pull.number}/comments`,
    review_comment_url: `${base}/pulls/comments{/number}`,
    comments_url: `${base}/issues/${pull.number}/comments`,
    statuses_url: statuses,
    head: {
      label: `${ctx.repo.owner}:${pull.head}`,
      ref: pull.head,
      sha: ctx.headSha,
      user: accountJson(ctx.api, ctx.repo.owner, 'Organization'),
      repo: repository,
    },
    base: {
      label: `${ctx.repo.owner}:${pull.base}`,
      ref: pull.base,
      sha: ctx.baseSha,
      user: accountJson(ctx.api, ctx.repo.owner, 'Organization'),
      repo: repository,
    },
    _links: {
      self: { href: `${base}/pulls/${pull.number}` },
      html: { href: `${HTML}/${full}/pull/${pull.number}` },
      issue: { href: `${base}/issues/${pull.number}` },
      comments: { href: `${base}/issues/${pull.number}/comments` },
      review_comments: { href: `${base}/pulls/${pull.number}/comments` },
      review_comment: { href: `${base}/pulls/comments{/number}` },
      commits: { href: `${base}/pulls/${pull.number}/commits` },
      statuses: { href: statuses },
    },
    author_association: association(ctx.permissionOf(pull.user), pull.user),
    auto_merge: null,
    active_lock_reason: null,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state === 'open' ? (pull.draft ? 'draft' : 'clean') : 'unknown',
    merged_by: pull.mergedBy === undefined ? null : userJson(ctx.api, pull.mergedBy),
    comments: ctx.commentCount,
    review_comments: ctx.reviewCommentCount,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
};

/** The `issue` object of an `issue_comment` on a pull request (`pull_request` marks it as one). */
/** GitHub's reaction rollup of an item nobody reacted to. */
const noReactions = (url: string) => ({
  url,
  total_count: 0,
  '+1': 0,
  '-1': 0,
  laugh: 0,
  hooray: 0,
  confused: 0,
  heart: 0,
  rocket: 0,
  eyes: 0,
});

export const pullRequestIssueJson = (ctx: PayloadContext, pull: FakePull) => {
  const full = `${ctx.repo.owner}/${ctx.repo.name}`;
  const base = `${ctx.api}/repos/${full}`;
  return {
    url: `${base}/issues/${pull.number}`,
    repository_url: base,
    labels_url: `${base}/issues/${pull.number}/labels{/name}`,
    comments_url: `${base}/issues/${pull.number}/comments`,
    events_url: `${base}/issues/${pull.number}/events`,
    html_url: `${HTML}/${full}/pull/${pull.number}`,
    id: pull.id + 1_000_000,
    node_id: nodeId('05:Issue', pull.id),
    number: pull.number,
    title: pull.title,
    user: userJson(ctx.api, pull.user),
    labels: [],
    state: pull.state,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: ctx.commentCount,
    created_at: pull.createdAt,
    updated_at: pull.closedAt ?? pull.createdAt,
    closed_at: pull.closedAt ?? null,
    author_association: association(ctx.permissionOf(pull.user), pull.user),
    active_lock_reason: null,
    draft: pull.draft,
    pull_request: {
      url: `${base}/pulls/${pull.number}`,
      html_url: `${HTML}/${full}/pull/${pull.number}`,
      diff_url: `${HTML}/${full}/pull/${pull.number}.diff`,
      patch_url: `${HTML}/${full}/pull/${pull.number}.patch`,
      merged_at: pull.mergedAt ?? null,
    },
    body: pull.body,
    reactions: noReactions(`${base}/issues/${pull.number}/reactions`),
    timeline_url: `${base}/issues/${pull.number}/timeline`,
    performed_via_github_app: null,
    state_reason: null,
  };
};

/** The `comment` object of an `issue_comment`. */
export const issueCommentJson = (ctx: PayloadContext, comment: FakeComment) => {
  const full = `${ctx.repo.owner}/${ctx.repo.name}`;
  const base = `${ctx.api}/repos/${full}`;
  return {
    url: `${base}/issues/comments/${comment.id}`,
    html_url: `${HTML}/${full}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${base}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: nodeId('012:IssueComment', comment.id),
    user: userJson(ctx.api, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    author_association: association(ctx.permissionOf(comment.user), comment.user),
    body: comment.body,
    reactions: noReactions(`${base}/issues/comments/${comment.id}/reactions`),
    performed_via_github_app: null,
  };
};

/** The `review` object of a `pull_request_review` (webhook states are lowercase). */
export const reviewJson = (ctx: PayloadContext, review: FakeReview) => {
  const full = `${ctx.repo.owner}/${ctx.repo.name}`;
  const pullApi = `${ctx.api}/repos/${full}/pulls/${review.pullNumber}`;
  const html = `${HTML}/${full}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: nodeId('017:PullRequestReview', review.id),
    user: userJson(ctx.api, review.user),
    body: review.body,
    commit_id: review.commitId,
    submitted_at: review.submittedAt,
    state: review.state.toLowerCase(),
    html_url: html,
    pull_request_url: pullApi,
    author_association: association(ctx.permissionOf(review.user), review.user),
    _links: { html: { href: html }, pull_request: { href: pullApi } },
  };
};
