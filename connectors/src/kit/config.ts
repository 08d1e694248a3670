import { z } from 'zod';

/** A connector's id: it names its webhook path (`/hooks/<id>`) and prefixes its record ids. */
export const connectorId = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only');

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** A duration as `250ms`, `30s`, `5m`, `1h` (or a number of milliseconds), parsed to milliseconds. */
export const duration = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(ms|s|m|h)$/, 'a duration like 30s, 5m or 1h')
    .transform((text) => {
      const [, n, unit] = /^(\d+)(ms|s|m|h)$/.exec(text)!;
      return Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
    }),
]);

/** Fields every polled connector has: how often its streams are read (ms). */
export const pollingFields = { pollInterval: duration.default(60_000) };

/** A secret from the config file (usually `${ENV}`-substituted): present and non-empty. */
export const secret = z.string().min(1, 'must not be empty');
