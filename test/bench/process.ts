import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Starts a process and resolves once its output matches `ready`. */
export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(ready);
      if (match) resolve({ child, match });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} exited ${code}: ${out.slice(-500)}`)));
  });
}

/** The hub as `pnpm start` runs it, as its own process; resolves with its URL. */
export async function startHubProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const { child, match } = await startProcess(
    'node',
    [
      ...(process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--max-semi-space-size=64',
      path.resolve(import.meta.dirname, '../../server/dist/main.js'),
    ],
    { PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
    /"url":"(http:\/\/[^"]+)"/,
  );
  return { child, url: match[1]! };
}
