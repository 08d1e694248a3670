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
  const shutdown = (signal: string) => {
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
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (err) {
  log.fatal({ err }, 'the hub could not start');
  process.exit(1);
}
