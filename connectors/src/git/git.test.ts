import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { SourceIO, StreamPage } from '../kit/connector.js';
import type { CommitRecord } from '../kit/records.js';
import { clonePath, git, type GitConfig, repositoryName } from './git.js';

const execFileAsync = promisify(execFile);
/** Hermetic git: no user or system config (no signing, no hooks), a fixed identity. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Dana Example',
  GIT_AUTHOR_EMAIL: 'dana@example.com',
  GIT_COMMITTER_NAME: 'Dana Example',
  GIT_COMMITTER_EMAIL: 'dana@example.com',
};

async function runGit(args: string[], cwd?: string, env: NodeJS.ProcessEnv = GIT_ENV): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(`git ${args.join(' ')} failed: ${stderr?.trim() || String(error)}`);
  }
}

const tmpDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The SourceIO the server lends, with real git (no shell) and a record of every git call. */
function realIO(workDir = tempDir('rg-git-work-')) {
  const calls: string[][] = [];
  const io: SourceIO = {
    http: () => Promise.reject(new Error('the git connector makes no HTTP requests')),
    git: (args, options) => {
      calls.push(args);
      return runGit(args, options?.cwd);
    },
    workDir,
    now: () => new Date('2026-11-26T10:00:00Z'),
  };
  return { io, calls };
}

/** A test repository: main c1 → c2 (CHG0030001) → c3 [v1.4.0, annotated]; feature/OPS-12-x from c2: f1 → f2 [nightly, lightweight]. */
async function makeRepository() {
  const dir = path.join(tempDir('rg-git-src-'), 'payments');
  fs.mkdirSync(dir);
  const run = (...args: string[]) => runGit(args, dir);
  let clock = Date.parse('2026-11-20T09:00:00Z');
  let files = 0;
  const commit = async (message: string, at?: string) => {
    const date = at ?? new Date((clock += 3_600_000)).toISOString();
    // A file per commit, so the feature branch merges without conflicts.
    const file = `change-${++files}.md`;
    fs.writeFileSync(path.join(dir, file), `${message}\n`);
    await run('add', file);
    await runGit(['commit', '--quiet', '-m', message], dir, { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    return (await run('rev-parse', 'HEAD')).trim();
  };
  await run('init', '--quiet', '--initial-branch=main');
  const c1 = await commit('Initial payments service', '2026-11-01T09:00:00Z');
  const c2 = await commit('CHG0030001: retry card authorisation on timeout\n\nRetries once after 2s.\nRollback: revert this commit.');
  await run('checkout', '--quiet', '-b', 'feature/OPS-12-x');
  const f1 = await commit('Add a retry budget');
  const f2 = await commit('Make the retry budget configurable');
  await run('tag', 'nightly');
  await run('checkout', '--quiet', 'main');
  const c3 = await commit('Update the runbook');
  await run('tag', '-a', 'v1.4.0', '-m', 'Release 1.4.0');
  const merge = async () => {
    const date = new Date((clock += 3_600_000)).toISOString();
    await runGit(['merge', '--quiet', '--no-ff', '--no-edit', 'feature/OPS-12-x'], dir, { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
    return (await run('rev-parse', 'HEAD')).trim();
  };
  return { dir, run, commit, merge, c1, c2, c3, f1, f2 };
}

const configFor = (repository: string, extra: Partial<GitConfig> = {}): GitConfig => git.config.parse({ id: 'git', kind: 'git', repository, ...extra });
const history = git.streams![0]!;
const shas = (page: StreamPage) => page.records.commits.map((c) => c.sha);

/** Reads pages until the stream says there is no more. */
async function readAll(config: GitConfig, cursor: string | null, io: SourceIO) {
  const pages: StreamPage[] = [];
  for (;;) {
    const page = await history.read(config, cursor, io);
    pages.push(page);
    cursor = page.cursor;
    if (!page.more) return { pages, cursor, commits: pages.flatMap((p) => p.records.commits) };
    if (pages.length > 50) throw new Error('paging does not end');
  }
}

describe('git history stream on a local repository', () => {
  let repo: Awaited<ReturnType<typeof makeRepository>>;
  beforeEach(async () => {
    repo = await makeRepository();
  });

  it('reads all of the branch on the first poll, oldest first, with change keys, and the tags', async () => {
    const { io } = realIO();
    const page = await history.read(configFor(repo.dir), null, io);

    expect(shas(page)).toEqual([repo.c1, repo.c2, repo.c3]);
    expect(page.records.commits[1]).toEqual<CommitRecord>({
      id: `git:commit:payments@${repo.c2}`,
      sha: repo.c2,
      repository: 'payments',
      message: 'CHG0030001: retry card authorisation on timeout\n\nRetries once after 2s.\nRollback: revert this commit.',
      author: 'Dana Example',
      committedAt: new Date('2026-11-20T10:00:00Z'),
      changeKeys: ['CHG0030001'],
      origin: { connector: 'git', entity: 'commit', sourceId: repo.c2 },
    });
    expect(page.records.commits.map((c) => c.changeKeys)).toEqual([[], ['CHG0030001'], []]);
    expect(page.records.tags).toEqual([
      {
        id: 'git:tag:payments@nightly',
        name: 'nightly',
        repository: 'payments',
        commitSha: repo.f2,
        releaseVersion: null,
        origin: { connector: 'git', entity: 'tag', sourceId: 'nightly' },
      },
      {
        id: 'git:tag:payments@v1.4.0',
        name: 'v1.4.0',
        repository: 'payments',
        commitSha: repo.c3,
        releaseVersion: '1.4.0',
        origin: { connector: 'git', entity: 'tag', sourceId: 'v1.4.0' },
      },
    ]);
    expect(page.more).toBe(false);
    expect(page.newestAt).toEqual(new Date('2026-11-20T13:00:00Z'));
    expect(JSON.parse(page.cursor!)).toMatchObject({ head: repo.c3 });
  });

  it('reads only what is new on later polls: nothing, then the new commit, then the commits a merge brings in', async () => {
    const { io } = realIO();
    const config = configFor(repo.dir);
    const first = await history.read(config, null, io);

    const idle = await history.read(config, first.cursor, io);
    expect(idle.records.commits).toEqual([]);
    expect(idle.records.tags).toEqual([]); // the tag list did not change
    expect(idle.cursor).toBe(first.cursor);

    const c4 = await repo.commit('OPS-77 tidy the retry logging');
    const second = await history.read(config, idle.cursor, io);
    expect(shas(second)).toEqual([c4]);
    expect(second.records.commits[0]!.changeKeys).toEqual(['OPS-77']);

    const merge = await repo.merge();
    await repo.run('tag', 'v1.5.0');
    const third = await history.read(config, second.cursor, io);
    expect(shas(third)).toEqual([repo.f1, repo.f2, merge]);
    expect(third.records.commits[2]!.changeKeys).toEqual(['OPS-12']); // "Merge branch 'feature/OPS-12-x'"
    expect(third.records.tags.map((t) => [t.name, t.releaseVersion])).toEqual([
      ['nightly', null],
      ['v1.4.0', '1.4.0'],
      ['v1.5.0', '1.5.0'],
    ]);
  });

  it('gives the branch name’s change key to the commits on that branch only, not to the history it shares with main', async () => {
    const { io } = realIO();
    const page = await history.read(configFor(repo.dir, { branch: 'feature/OPS-12-x' }), null, io);
    expect(page.records.commits.map((c) => [c.sha, c.changeKeys])).toEqual([
      [repo.c1, []],
      [repo.c2, ['CHG0030001']],
      [repo.f1, ['OPS-12']],
      [repo.f2, ['OPS-12']],
    ]);
  });

  it('pages through a merged history in small pages, losing and repeating nothing, parents before children', async () => {
    const merge = await repo.merge();
    const c5 = await repo.commit('Bump dependencies');
    const { io } = realIO();
    const { pages, cursor, commits } = await readAll(configFor(repo.dir, { pageSize: 2 }), null, io);

    expect(pages.map((p) => [p.records.commits.length, p.more])).toEqual([
      [2, true],
      [2, true],
      [2, true],
      [1, false],
    ]);
    const read = commits.map((c) => c.sha);
    expect(new Set(read).size).toBe(read.length);
    expect(new Set(read)).toEqual(new Set([repo.c1, repo.c2, repo.c3, repo.f1, repo.f2, merge, c5]));
    for (const sha of read) {
      const parents = (await repo.run('rev-list', '--parents', '-n', '1', sha)).trim().split(' ').slice(1);
      for (const parent of parents) expect(read.indexOf(parent)).toBeLessThan(read.indexOf(sha));
    }
    // Tags come with the last page, when the commits they point at are in.
    expect(pages.map((p) => p.records.tags.length)).toEqual([0, 0, 0, 2]);
    expect(JSON.parse(cursor!)).toMatchObject({ head: c5 });
    expect(JSON.parse(cursor!)).not.toHaveProperty('also');

    // Commits landing mid-paging wait for the next round, and are then read once.
    const partial = await history.read(configFor(repo.dir, { pageSize: 3 }), null, io);
    const c6 = await repo.commit('CHG0030002: raise the timeout');
    const rest = await readAll(configFor(repo.dir, { pageSize: 3 }), partial.cursor, io);
    const again = await history.read(configFor(repo.dir, { pageSize: 3 }), rest.cursor, io);
    const all = [...shas(partial), ...rest.commits.map((c) => c.sha), ...shas(again)];
    expect(all).toHaveLength(8);
    expect(new Set(all).size).toBe(8);
    expect(all.at(-1)).toBe(c6);
  });

  it('after a force-push reads the rewritten commits, and re-reads recent history when the cursor commit is gone', async () => {
    const { io } = realIO();
    const config = configFor(repo.dir);
    const first = await history.read(config, null, io);

    await repo.run('reset', '--quiet', '--hard', repo.c2);
    const rewritten = await repo.commit('Update the runbook (reworded)');
    const afterRewrite = await history.read(config, first.cursor, io);
    expect(shas(afterRewrite)).toEqual([rewritten]);

    // A cursor naming a commit the repository no longer has: everything committed since a day before it again.
    const vanished = JSON.stringify({ head: 'f'.repeat(40), at: '2026-11-20T12:00:00Z' });
    const reread = await history.read(config, vanished, io);
    expect(shas(reread)).toEqual([repo.c2, rewritten]); // c1 (2026-11-01) is older than the margin
    expect(JSON.parse(reread.cursor!)).toMatchObject({ head: rewritten });
  });

  it('reads nothing from an empty repository and fails clearly for a missing branch', async () => {
    const empty = tempDir('rg-git-empty-');
    await runGit(['init', '--quiet'], empty);
    const { io } = realIO();
    expect(await history.read(configFor(empty, { name: 'empty' }), null, io)).toMatchObject({ records: { commits: [], tags: [] }, more: false });
    await expect(history.read(configFor(repo.dir, { branch: 'release/9.9' }), null, io)).rejects.toThrow('branch release/9.9 is not in repository payments');
    // A path that is no repository fails the poll instead of reading "nothing" from it forever.
    await expect(history.read(configFor(tempDir('rg-git-plain-')), null, io)).rejects.toThrow(/not a git repository/);
  });
});

describe('git history stream on a clone URL', () => {
  it('keeps a bare clone in workDir, fetches on each poll and reads only what is new', async () => {
    const repo = await makeRepository();
    const url = pathToFileURL(repo.dir).href;
    const { io, calls } = realIO();
    const config = configFor(url);
    expect(repositoryName(config)).toBe('payments');

    const first = await history.read(config, null, io);
    expect(shas(first)).toEqual([repo.c1, repo.c2, repo.c3]);
    expect(first.records.commits[0]!.id).toBe(`git:commit:payments@${repo.c1}`);
    expect(first.records.tags.map((t) => t.name)).toEqual(['nightly', 'v1.4.0']);
    const cloned = clonePath(io.workDir, url);
    expect(cloned.startsWith(io.workDir)).toBe(true);
    expect((await runGit(['--git-dir', cloned, 'rev-parse', '--is-bare-repository'])).trim()).toBe('true');
    expect(calls.filter((args) => args[0] === 'clone')).toHaveLength(1);

    const c4 = await repo.commit('CHG0030001: follow-up fix');
    await repo.run('tag', '-a', 'v1.4.1', '-m', 'Release 1.4.1');
    const second = await history.read(config, first.cursor, io);
    expect(shas(second)).toEqual([c4]);
    expect(second.records.commits[0]!.changeKeys).toEqual(['CHG0030001']);
    expect(second.records.tags.find((t) => t.name === 'v1.4.1')).toMatchObject({ commitSha: c4, releaseVersion: '1.4.1' });
    expect(calls.filter((args) => args[0] === 'clone')).toHaveLength(1);
    expect(calls.filter((args) => args.includes('fetch'))).toHaveLength(1);
  });
});

describe('git config and check', () => {
  it('derives the repository name from a URL or a path', () => {
    expect(repositoryName({ repository: 'https://github.com/acme/payments.git' })).toBe('acme/payments');
    expect(repositoryName({ repository: 'git@gitlab.example.com:platform/team/payments.git' })).toBe('platform/team/payments');
    expect(repositoryName({ repository: 'ssh://git@git.example.com:2222/acme/payments' })).toBe('acme/payments');
    expect(repositoryName({ repository: '/srv/git/payments.git/' })).toBe('payments');
    expect(repositoryName({ repository: 'file:///srv/git/payments.git' })).toBe('payments');
    expect(repositoryName({ repository: '/srv/git/payments', name: 'acme/payments' })).toBe('acme/payments');
  });

  it('refuses a repository or branch that git would take for an option', () => {
    expect(git.config.safeParse({ id: 'git', kind: 'git', repository: '--upload-pack=touch /tmp/x' }).success).toBe(false);
    expect(git.config.safeParse({ id: 'git', kind: 'git', repository: '/srv/git/payments', branch: '--output=/tmp/x' }).success).toBe(false);
  });

  it('checks a path with rev-parse and a URL with ls-remote, saying what is wrong', async () => {
    const repo = await makeRepository();
    const { io } = realIO();
    expect(await git.check!(configFor(repo.dir), io)).toBeNull();
    expect(await git.check!(configFor(repo.dir, { branch: 'feature/OPS-12-x' }), io)).toBeNull();
    expect(await git.check!(configFor(repo.dir, { branch: 'release/9.9' }), io)).toBe(`branch release/9.9 is not in ${repo.dir}`);
    fs.mkdirSync(path.join(repo.dir, 'docs'));
    expect(await git.check!(configFor(path.join(repo.dir, 'docs')), io)).toMatch(/is a folder inside a repository \(docs\/\), not its top level$/);
    const notARepo = tempDir('rg-git-plain-');
    expect(await git.check!(configFor(notARepo), io)).toMatch(new RegExp(`^${notARepo} is not a git repository \\(git rev-parse --git-dir\\): `));

    const url = pathToFileURL(repo.dir).href;
    expect(await git.check!(configFor(url), io)).toBeNull();
    expect(await git.check!(configFor(url, { branch: 'release/9.9' }), io)).toBe('branch release/9.9 is not on payments');
    expect(await git.check!(configFor(`${url}-missing`), io)).toMatch(/^cannot list payments-missing with git ls-remote: /);
  });
});
