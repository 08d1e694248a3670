import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; secrets never reach a log line (redacted by path). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'releasegraph' },
    redact: ['req.headers.authorization', '*.password', '*.token', '*.webhookSecret'],
  });
}
