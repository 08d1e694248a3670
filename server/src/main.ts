import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { startHub } from './hub.js';
import { createLogger } from './logger.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const log = createLogger(config.logLevel);
try {
  const hub = await startHub(config, log);
  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal (a whole process group told to stop, a launcher passing it on) must not cut the stop short.
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    hub.stop().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log.fatal({ err }, 'the hub could not start');
  process.exit(1);
}
