import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout, beside the hub's (`service` tells them apart); tokens never reach a log line. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'releasegraph-demo' }, redact: ['*.token', '*.secret', '*.authorization'] });
}
