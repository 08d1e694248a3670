import crypto from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { releaseVersionOf } from '../kit/release-version.js';
import { changeKeysIn } from '../kit/change-keys.js';
import { connectorId, pollingFields } from '../kit/config.js';
import type { ConnectorKind, SourceIO, Stream, StreamPage } from '../kit/connector.js';
import { recordId } from '../kit/ids.js';
import { type CommitRecord, records, type TagRecord } from '../kit/records.js';

export const gitConfig = z.object({
  id: connectorId,
  kind: z.literal('git'),
  /** A local repository path (read in place) or a clone URL (https://, ssh://, git://, file://, user@host:path). */
  repository: z
    .string()
    .min(1)
    .refine((text) => !text.startsWith('-'), 'must not start with "-"'),
  /** The repository name in records. @default derived from the URL (`acme/payments`) or the path's last folder (`payments`) */
  name: z.string().min(1).optional(),
  /** The branch (or any revision) whose history is read. @default the remote's HEAD for a URL, the current HEAD for a path */
  branch: z
    .string()
    .min(1)
    .refine((text) => !text.startsWith('-'), 'must not start with "-"')
    .optional(),
  /** Commits per page; the first poll of a long history takes several pages. @default 1000 */
  pageSize: z.number().int().min(1).max(10_000).default(1000),
  ...pollingFields,
});
export type GitConfig = z.infer<typeof gitConfig>;

/** Where the history stream is in the branch; persisted as JSON. */
interface HistoryCursor {
  /** The last commit read. */
  head?: string;
  /** Other commits whose history was read (the tips of a page that ended inside a merge's branches). */
  also?: string[];
  /** The committer date of `head`: where to re-read from if `head` is gone from the repository. */
  at?: string;
  /** The commit being paged towards while `more` (no fetch, no moving target mid-history). */
  target?: string;
  /** Lower bound (ISO) of a re-read after the cursor commit vanished, kept until that re-read is done. */
  since?: string;
  /** A digest of the tag list last reported; tags are reported again only when it changes. */
  tags?: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const shaText = z.string().regex(SHA, 'a commit sha');
const historyCursor = z.object({
  head: shaText.optional(),
  also: z.array(shaText).optional(),
  at: z.string().optional(),
  target: shaText.optional(),
  since: z.string().optional(),
  tags: z.string().optional(),
});

/** How far before the vanished cursor commit a re-read starts: covers clock skew between committers. */
const REREAD_MARGIN_MS = 24 * 3_600_000;

/** Whether `repository` names a remote to clone rather than a local path. */
export function isCloneUrl(repository: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repository) || /^[^/\\\s]+@[^/\\\s]+:/.test(repository);
}

/**
 * The repository name used in records: the configured `name`, else the URL's path without `.git`
 * (`https://github.com/acme/payments.git` → `acme/payments`, as GitHub's full_name), else the last
 * folder of a local path or `file://` URL (`/srv/git/payments.git` → `payments`).
 */
export function repositoryName(config: Pick<GitConfig, 'repository' | 'name'>): string {
  if (config.name) return config.name;
  const repo = config.repository.replace(/[/\\]+$/, '');
  let repoPath = repo;
  let hosted = false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo)) {
    const url = new URL(repo);
    repoPath = decodeURIComponent(url.pathname);
    hosted = url.protocol !== 'file:';
  } else if (isCloneUrl(repo)) {
    repoPath = repo.slice(repo.indexOf(':') + 1);
    hosted = true;
  }
  const parts = repoPath.split(/[/\\]+/).filter(Boolean);
  const named = hosted ? parts.join('/') : (parts.at(-1) ?? '');
  const name = named.replace(/\.git$/, '').replace(/^~/, '');
  if (!name) throw new Error(`cannot derive a repository name from ${JSON.stringify(config.repository)}; set name`);
  return name;
}

/** The folder under `workDir` that holds the bare clone of a URL (one per URL, so a changed URL never reuses a clone). */
export function clonePath(workDir: string, url: string): string {
  return path.join(workDir, `clone-${crypto.createHash('sha256').update(url).digest('hex').slice(0, 16)}.git`);
}

/** Runs git against the configured repository: in place for a path, the bare clone (by --git-dir, never a parent repo) for a URL. */
type Git = (args: string[]) => Promise<string>;

function repositoryGit(config: GitConfig, io: SourceIO): Git {
  if (!isCloneUrl(config.repository)) return (args) => io.git(args, { cwd: config.repository });
  const gitDir = clonePath(io.workDir, config.repository);
  return (args) => io.git(['--git-dir', gitDir, ...args]);
}

/** Clones the URL (bare, blobs left out: only commits and tags are read) once, then fetches branches and tags, pruning deleted ones. */
async function refreshClone(config: GitConfig, io: SourceIO): Promise<void> {
  const gitDir = clonePath(io.workDir, config.repository);
  const exists = await io.git(['--git-dir', gitDir, 'rev-parse', '--git-dir']).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await io.git(['clone', '--bare', '--quiet', '--filter=blob:none', '--', config.repository, gitDir]);
    return;
  }
  // Forced refspecs: a force-pushed branch or a moved tag replaces ours.
  await io.git(['--git-dir', gitDir, 'fetch', '--quiet', '--prune', '--', 'origin', '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
}

const tryGit = (git: Git, args: string[]): Promise<string | null> =>
  git(args).then(
    (out) => out.trim(),
    () => null,
  );

/** The commit a revision names, or null when it names none. */
const commitOf = (git: Git, revision: string) => tryGit(git, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);

/** One commit as `git log` printed it. */
export interface GitLogEntry {
  sha: string;
  parents: string[];
  author: string;
  authoredAt: string;
  committedAt: string;
  message: string;
}

/** Fields are NUL-separated and, with -z, so are commits; no field but the message can hold a newline, and none a NUL. */
const LOG_FORMAT = '--format=%H%x00%P%x00%an%x00%aI%x00%cI%x00%B';
const LOG_FIELDS = 6;

/** Splits `git log -z` output in LOG_FORMAT. */
export function parseGitLog(output: string): GitLogEntry[] {
  const fields = output.split('\0');
  if (fields.at(-1) === '') fields.pop();
  if (fields.length % LOG_FIELDS !== 0) throw new Error(`unexpected git log output: ${fields.length} fields, not a multiple of ${LOG_FIELDS}`);
  const entries: GitLogEntry[] = [];
  for (let i = 0; i < fields.length; i += LOG_FIELDS) {
    const [sha, parents, author, authoredAt, committedAt, message] = fields.slice(i, i + LOG_FIELDS) as [string, string, string, string, string, string];
    entries.push({ sha: sha.trim(), parents: parents.split(' ').filter(Boolean), author, authoredAt, committedAt, message: message.trimEnd() });
  }
  return entries;
}

/** Converts a commit to a record (pure). `branchKeys` are the change keys of the branch name, when the commit is on that branch only. */
export function convertGitCommit(connector: string, repository: string, entry: GitLogEntry, branchKeys: string[]): CommitRecord {
  return {
    id: recordId(connector, 'commit', `${repository}@${entry.sha}`),
    sha: entry.sha,
    repository,
    message: entry.message,
    author: entry.author || null,
    committedAt: new Date(entry.authoredAt),
    changeKeys: changeKeysIn(entry.message, branchKeys.join(' ')),
    origin: { connector, entity: 'commit', sourceId: entry.sha },
  };
}

const TAG_FORMAT = '--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)%00%(*objecttype)';

/** Converts `git for-each-ref refs/tags` output in TAG_FORMAT to tag records (pure); annotated tags point at their peeled commit. */
export function convertGitTags(connector: string, repository: string, output: string): TagRecord[] {
  const tags: TagRecord[] = [];
  for (const line of output.split('\n')) {
    if (!line) continue;
    const [ref = '', object = '', type = '', peeled = '', peeledType = ''] = line.split('\0');
    const name = ref.replace(/^refs\/tags\//, '');
    const commitSha = type === 'commit' ? object : type === 'tag' && peeledType === 'commit' ? peeled : null;
    tags.push({
      id: recordId(connector, 'tag', `${repository}@${name}`),
      name,
      repository,
      commitSha,
      releaseVersion: releaseVersionOf(name),
      origin: { connector, entity: 'tag', sourceId: name },
    });
  }
  return tags;
}

function parseHistoryCursor(cursor: string | null): HistoryCursor {
  if (cursor === null || cursor.trim() === '') return {};
  if (SHA.test(cursor.trim())) return { head: cursor.trim() };
  let json: unknown;
  try {
    json = JSON.parse(cursor);
  } catch {
    throw new Error(`git cursor ${JSON.stringify(cursor)} is neither {"head": "<sha>"} nor a sha`);
  }
  const parsed = historyCursor.safeParse(json);
  if (!parsed.success) throw new Error(`git cursor ${JSON.stringify(cursor)} is not {"head": "<sha>", ...}`);
  return parsed.data;
}

/**
 * The branch's change keys go to the commits on that branch only — not to the history it shares
 * with HEAD (the default branch), which would otherwise all be stamped with, say, OPS-12.
 */
async function commitsOnBranchOnly(git: Git, config: GitConfig, tip: string, page: GitLogEntry[]): Promise<Set<string> | null> {
  if (!config.branch || changeKeysIn(config.branch).length === 0 || page.length === 0) return null;
  const branchRef = await tryGit(git, ['rev-parse', '--symbolic-full-name', config.branch]);
  const headRef = await tryGit(git, ['symbolic-ref', '--quiet', 'HEAD']);
  if (branchRef && headRef && branchRef === headRef) return new Set();
  const defaultHead = await commitOf(git, 'HEAD');
  if (!defaultHead) return new Set(page.map((c) => c.sha));
  const only = await git(['rev-list', tip, `^${defaultHead}`, '--']);
  return new Set(only.split('\n').filter(Boolean));
}

/**
 * The branch's commits since the cursor, oldest first, `pageSize` at a time; tags once the branch is
 * read to its tip and the tag list changed.
 *
 * Paging: a page is the oldest `pageSize` commits of `git log --topo-order` — parents before
 * children, so every page is closed under ancestry and the cursor (the page's tips) excludes exactly
 * what was read. Force-pushes: the old head still exists in the repository, so `<new> ^<old>` reads
 * just the rewritten commits. If the cursor commit is gone (garbage-collected after a force-push),
 * the stream re-reads the history committed since a day before it; ids are deterministic, so commits
 * read twice land on the same rows.
 */
const history: Stream<GitConfig> = {
  name: 'history',
  async read(config, cursorText, io): Promise<StreamPage> {
    const name = repositoryName(config);
    const git = repositoryGit(config, io);
    const cursor = parseHistoryCursor(cursorText);

    let tip = cursor.target ? await commitOf(git, cursor.target) : null;
    if (!tip) {
      if (isCloneUrl(config.repository)) await refreshClone(config, io);
      // Fails loudly for a path that is no repository, rather than reading "nothing" from it forever.
      else await git(['rev-parse', '--git-dir']);
      tip = await commitOf(git, config.branch ?? 'HEAD');
      if (!tip) {
        if (config.branch) throw new Error(`branch ${config.branch} is not in repository ${name}`);
        // An empty repository (unborn HEAD): nothing to read yet.
        return { records: records({}), cursor: cursorText, more: false, newestAt: null };
      }
    }

    const remembered = [cursor.head, ...(cursor.also ?? [])].filter((sha): sha is string => Boolean(sha));
    const known: string[] = [];
    for (const sha of remembered) if (await commitOf(git, sha)) known.push(sha);
    let since = cursor.since;
    if (remembered.length > 0 && known.length === 0 && !since) {
      const at = Date.parse(cursor.at ?? '');
      since = Number.isNaN(at) ? undefined : new Date(at - REREAD_MARGIN_MS).toISOString();
    }

    const range = [...(since ? [`--since=${since}`] : []), tip, ...known.map((sha) => `^${sha}`)];
    const count = Number(await git(['rev-list', '--count', ...range, '--']));
    const skip = Math.max(0, count - config.pageSize);
    const entries =
      count === 0
        ? []
        : parseGitLog(await git(['log', '-z', '--topo-order', '--reverse', `--skip=${skip}`, `--max-count=${config.pageSize}`, LOG_FORMAT, ...range, '--']));
    const more = skip > 0;

    const branchOnly = await commitsOnBranchOnly(git, config, tip, entries);
    const branchKeys = config.branch ? changeKeysIn(config.branch) : [];
    const commits = entries.map((entry) => convertGitCommit(config.id, name, entry, branchOnly === null || branchOnly.has(entry.sha) ? branchKeys : []));

    const next: HistoryCursor = {};
    const last = entries.at(-1);
    if (last && more) {
      // The tips of everything read so far (the remembered commits and this page, less any parent of
      // this page): excluding them next time excludes exactly what was read.
      const parents = new Set(entries.flatMap((e) => e.parents));
      const tips = new Set([...known, ...entries.map((e) => e.sha)].filter((sha) => !parents.has(sha) && sha !== last.sha));
      Object.assign(next, { head: last.sha, at: last.committedAt, target: tip, since });
      if (tips.size > 0) next.also = [...tips];
    } else if (last || known.length === 0) {
      // Read to the tip: its history is all in.
      Object.assign(next, { head: tip, at: entries.find((e) => e.sha === tip)?.committedAt ?? last?.committedAt });
    } else {
      // Nothing new (the branch is where we were, or behind it): keep excluding what was read.
      const [head, ...also] = known.includes(cursor.head ?? '') ? [cursor.head!, ...known.filter((sha) => sha !== cursor.head)] : known;
      Object.assign(next, { head, at: cursor.at });
      if (also.length > 0) next.also = also;
    }

    let tags: TagRecord[] = [];
    next.tags = cursor.tags;
    if (!more) {
      const output = await git(['for-each-ref', TAG_FORMAT, 'refs/tags']);
      const digest = crypto.createHash('sha256').update(output).digest('hex').slice(0, 16);
      if (digest !== cursor.tags) tags = convertGitTags(config.id, name, output);
      next.tags = digest;
    }

    return {
      records: records({ commits, tags }),
      cursor: JSON.stringify(next),
      more,
      newestAt: entries.length > 0 ? new Date(Math.max(...entries.map((e) => Date.parse(e.committedAt)))) : null,
    };
  },
};

async function checkGit(config: GitConfig, io: SourceIO): Promise<string | null> {
  const problem = (error: unknown) => (error instanceof Error ? error.message : String(error)).trim();
  if (isCloneUrl(config.repository)) {
    try {
      const refs = await io.git(['ls-remote', '--', config.repository, config.branch ? config.branch : 'HEAD']);
      if (!refs.trim())
        return config.branch ? `branch ${config.branch} is not on ${repositoryName(config)}` : `${repositoryName(config)} has no HEAD (an empty repository?)`;
      return null;
    } catch (error) {
      return `cannot list ${repositoryName(config)} with git ls-remote: ${problem(error)}`;
    }
  }
  try {
    await io.git(['rev-parse', '--git-dir'], { cwd: config.repository });
  } catch (error) {
    return `${config.repository} is not a git repository (git rev-parse --git-dir): ${problem(error)}`;
  }
  const git = repositoryGit(config, io);
  const prefix = await tryGit(git, ['rev-parse', '--show-prefix']);
  if (prefix) return `${config.repository} is a folder inside a repository (${prefix}), not its top level`;
  if (config.branch && !(await commitOf(git, config.branch))) return `branch ${config.branch} is not in ${config.repository}`;
  return null;
}

/** git: commits (with the change keys of their messages) and tags, read from a local repository or a bare clone of a URL. */
export const git: ConnectorKind<GitConfig> = {
  kind: 'git',
  config: gitConfig,
  secrets: [],
  check: checkGit,
  streams: [history],
};
