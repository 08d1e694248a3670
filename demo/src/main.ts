#!/usr/bin/env node
import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDemoConfig } from './config.js';
import { DemoEstate, prepareDemo } from './demo-estate.js';
import { createLogger } from './logger.js';

/*
 * `releasegraph-demo <hub command...>` (what `pnpm start` runs with RELEASEGRAPH_DEMO=1): prepares the
 * demo's sources and its hub config file, starts the hub command with RELEASEGRAPH_CONFIG_DEFAULTS
 * pointing at that file, waits until the hub is ready, then plays the story against it. The hub
 * stops with the demo (a signal is passed on to it) and the demo with the hub (same exit code).
 */

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: releasegraph-demo <hub command> [arguments]   e.g. releasegraph-demo node server/dist/main.js');
  process.exit(2);
}
let config;
try {
  config = loadDemoConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const log = createLogger(config.logLevel);

/** A port the hub can listen on, when it was told to take any (PORT=0): the demo must know where to find it. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Where to reach a hub listening on `host` (every interface is reached on loopback). */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

const port = config.port || (await freePort(config.host));
const url = `http://${reachableHost(config.host)}:${port}`;
let setup;
try {
  setup = await prepareDemo({ dir: config.dir, stepMs: config.stepMs });
} catch (err) {
  log.fatal({ err }, 'the demo estate could not prepare its sources');
  process.exit(1);
}
const sources = setup;

const hub = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...setup.hubEnv, PORT: String(port) } });
const hubExited = new Promise<number>((resolve) => {
  hub.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  hub.once('error', (err) => {
    log.fatal({ err, command }, 'the hub could not be started');
    resolve(1);
  });
});

const estate = new DemoEstate(log, { url, setup, adminToken: config.adminToken, otlpToken: config.otlpToken });
let stopping: Promise<never> | undefined;
const shutdown = (signal?: NodeJS.Signals) =>
  (stopping ??= (async () => {
    await estate.stop().catch((err: unknown) => log.warn({ err }, 'the demo estate did not stop cleanly'));
    if (signal && hub.exitCode === null && hub.signalCode === null) hub.kill(signal);
    const code = await hubExited;
    // After the hub: its connectors read the demo's Jira and Prometheus until they stop.
    await sources.close();
    process.exit(code);
  })());
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
void hubExited.then(() => shutdown());

/** Until the hub answers /readyz (false when it exited first). */
async function hubReady(): Promise<boolean> {
  let exited = false;
  void hubExited.then(() => (exited = true));
  while (!exited && !stopping) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await sleep(250);
  }
  return false;
}

if (await hubReady()) {
  // The demo is a show, not a dependency: if it cannot start, the hub still serves.
  await estate.start().catch((err: unknown) => log.error({ err }, 'the demo estate could not start'));
}
