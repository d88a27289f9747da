import { createHash } from 'node:crypto';

/** A git object as the fake stores it; SHAs are computed the way git computes them. */
export type GitObject =
  | { type: 'blob'; content: Buffer }
  | { type: 'tree'; entries: TreeEntry[] }
  | {
      type: 'commit';
      tree: string;
      parents: string[];
      message: string;
      author: { name: string; email: string; date: string };
    };

export interface TreeEntry {
  name: string;
  mode: '100644' | '100755' | '040000' | '120000';
  type: 'blob' | 'tree';
  sha: string;
}

/** A flattened file of a tree: path → blob sha and mode. */
export interface FlatFile {
  sha: string;
  mode: TreeEntry['mode'];
}

const gitHash = (type: string, body: Buffer): string =>
  createHash('sha1')
    .update(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]))
    .digest('hex');

/** Content-addressed object store shared by every repository of the fake. */
export class GitStore {
  readonly objects = new Map<string, GitObject>();
  private clock = Date.parse('2024-01-01T00:00:00Z');

  putBlob(content: Buffer | string): string {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const sha = gitHash('blob', bytes);
    this.objects.set(sha, { type: 'blob', content: bytes });
    return sha;
  }

  putTree(entries: TreeEntry[]): string {
    // git sorts entries by name, with trees compared as if they ended in '/'.
    const sorted = [...entries].sort((a, b) => {
      const ka = a.type === 'tree' ? `${a.name}/` : a.name;
      const kb = b.type === 'tree' ? `${b.name}/` : b.name;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const body = Buffer.concat(
      sorted.map((e) =>
        Buffer.concat([
          Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`),
          Buffer.from(e.sha, 'hex'),
        ]),
      ),
    );
    const sha = gitHash('tree', body);
    this.objects.set(sha, { type: 'tree', entries: sorted });
    return sha;
  }

  putCommit(input: { tree: string; parents: string[]; message: string; authorName?: string }): string {
    this.clock += 1000;
    const date = new Date(this.clock).toISOString();
    const author = { name: input.authorName ?? 'agent', email: 'agent@example.com', date };
    const epoch = Math.floor(this.clock / 1000);
    const text = [
      `tree ${input.tree}`,
      ...input.parents.map((p) => `parent ${p}`),
      `author ${author.name} <${author.email}> ${epoch} +0000`,
      `committer ${author.name} <${author.email}> ${epoch} +0000`,
      '',
      input.message,
    ].join('\n');
    const sha = gitHash('commit', Buffer.from(text, 'utf8'));
    this.objects.set(sha, {
      type: 'commit',
      tree: input.tree,
      parents: input.parents,
      message: input.message,
      author,
    });
    return sha;
  }

  get(sha: string): GitObject | undefined {
    return this.objects.get(sha);
  }

  /** Every file under a tree, by full path. */
  flatten(treeSha: string, prefix = ''): Map<string, FlatFile> {
    const out = new Map<string, FlatFile>();
    const tree = this.objects.get(treeSha);
    if (tree?.type !== 'tree') return out;
    for (const entry of tree.entries) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.type === 'tree') {
        for (const [p, f] of this.flatten(entry.sha, path)) out.set(p, f);
      } else {
        out.set(path, { sha: entry.sha, mode: entry.mode });
      }
    }
    return out;
  }

  /** Builds nested trees from a flat path map; returns the root tree sha. */
  buildTree(files: Map<string, FlatFile>): string {
    const dirs = new Map<string, Map<string, FlatFile>>();
    const entries: TreeEntry[] = [];
    for (const [path, file] of files) {
      const slash = path.indexOf('/');
      if (slash === -1) {
        entries.push({ name: path, mode: file.mode, type: 'blob', sha: file.sha });
      } else {
        const dir = path.slice(0, slash);
        const sub = dirs.get(dir) ?? new Map<string, FlatFile>();
        sub.set(path.slice(slash + 1), file);
        dirs.set(dir, sub);
      }
    }
    for (const [dir, sub] of dirs) {
      entries.push({ name: dir, mode: '040000', type: 'tree', sha: this.buildTree(sub) });
    }
    return this.putTree(entries);
  }

  /** Entries of a tree, recursively: directories and files, in path order (as GitHub lists them). */
  walk(treeSha: string, prefix = ''): { path: string; entry: TreeEntry }[] {
    const tree = this.objects.get(treeSha);
    if (tree?.type !== 'tree') return [];
    return tree.entries.flatMap((entry) => {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      return entry.type === 'tree' ? [{ path, entry }, ...this.walk(entry.sha, path)] : [{ path, entry }];
    });
  }
}
