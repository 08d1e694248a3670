import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServiceName, ShopService } from './shop.js';

/** The developers who commit, by service. */
const AUTHORS: Record<ServiceName, { name: string; email: string }> = {
  checkout: { name: 'Ana Costa', email: 'ana@shop.example' },
  search: { name: 'Chen Wu', email: 'chen@shop.example' },
  payments: { name: 'Eve Laurent', email: 'eve@shop.example' },
};

/**
 * The shop's git repositories, one per service, under the demo's folder in the data directory. The
 * story commits and tags with the git CLI; the hub reads them with its real `git` connector, exactly
 * as it reads a team's repository.
 */
export class DemoRepos {
  constructor(readonly root: string) {}

  dir(service: ServiceName): string {
    return path.join(this.root, service);
  }

  /** Runs git in a service's repository, hermetically: no user or system config (signing, hooks), the service's author. */
  private git(service: ServiceName, args: string[]): Promise<string> {
    const author = AUTHORS[service];
    const env = {
      GIT_CONFIG_GLOBAL: os.devNull,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
    };
    return new Promise((resolve, reject) =>
      execFile('git', args, { cwd: this.dir(service), env }, (error, stdout, stderr) =>
        error ? reject(new Error(`git ${args.join(' ')} failed: ${String(stderr).trim() || error.message}`)) : resolve(String(stdout)),
      ),
    );
  }

  /** Creates a service's repository (first commit tagged with the version it starts at) unless a previous start did. */
  async ensure(service: ShopService): Promise<void> {
    const dir = this.dir(service.name);
    if (
      await fs.stat(path.join(dir, '.git')).then(
        () => true,
        () => false,
      )
    )
      return;
    await fs.mkdir(dir, { recursive: true });
    await this.git(service.name, ['init', '--quiet', '--initial-branch=main']);
    await fs.writeFile(path.join(dir, 'README.md'), `# ${service.name}\n\nThe ${service.name} service of the demo shop.\n`);
    await fs.writeFile(path.join(dir, 'VERSION'), `${service.major}.0.0\n`);
    await this.git(service.name, ['add', '--all']);
    await this.git(service.name, ['commit', '--quiet', '-m', `Initial ${service.name} service`]);
    await this.git(service.name, ['tag', '-a', `v${service.major}.0.0`, '-m', `Release ${service.major}.0.0`]);
  }

  /** The versions the repository has tagged. */
  async versions(service: ServiceName): Promise<string[]> {
    const out = await this.git(service, ['tag', '--list', 'v*']);
    return out
      .split('\n')
      .map((t) => t.trim().replace(/^v/, ''))
      .filter(Boolean);
  }

  /** Every change key number (OPS-1234 → 1234) the repository's commit messages name. */
  async changeNumbers(service: ServiceName): Promise<number[]> {
    const out = await this.git(service, ['log', '--format=%s']);
    return [...out.matchAll(/\bOPS-(\d+)\b/g)].map((m) => Number(m[1]));
  }

  /**
   * A release's code: the change's commit (its message names the change key), then the version bump
   * the annotated tag points at. Returns the tagged commit's sha.
   */
  async release(service: ServiceName, input: { version: string; changeKey: string; summary: string }): Promise<string> {
    const dir = this.dir(service);
    await fs.appendFile(path.join(dir, 'CHANGELOG.md'), `- ${input.version}: ${input.summary} (${input.changeKey})\n`);
    await this.git(service, ['add', '--all']);
    await this.git(service, ['commit', '--quiet', '-m', `${input.changeKey}: ${input.summary}`]);
    await fs.writeFile(path.join(dir, 'VERSION'), `${input.version}\n`);
    await this.git(service, ['add', '--all']);
    await this.git(service, ['commit', '--quiet', '-m', `Release ${input.version}`]);
    await this.git(service, ['tag', '-a', `v${input.version}`, '-m', `Release ${input.version} (${input.changeKey})`]);
    return (await this.git(service, ['rev-parse', 'HEAD'])).trim();
  }

  /** The commit a version's tag points at. */
  async shaOf(service: ServiceName, version: string): Promise<string> {
    return (await this.git(service, ['rev-list', '-n', '1', `v${version}`])).trim();
  }
}
