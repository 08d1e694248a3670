import { z } from 'zod';
import { BadUserInputError } from '../../domain-errors.js';

/**
 * Parses input at the edge: the first problem becomes a BAD_USER_INPUT naming the field by its
 * path (`input.name`), and nothing past this point sees unchecked values.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [root, ...issue.path.map(String)].join('.');
  throw new BadUserInputError(field, issue.message);
}

/** Field rules shared by the modules. */
export const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
  shortText: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
  title: z.string().trim().min(1, 'must not be empty').max(500, 'at most 500 characters'),
  longText: z.string().max(20_000, 'at most 20000 characters'),
  version: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'at most 100 characters')
    .regex(/^[\w.+\-/]+$/, 'letters, digits and . _ + - / only'),
  id: z.string().min(1, 'must not be empty').max(300, 'at most 300 characters'),
  timezone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone (e.g. Europe/Berlin)'),
  date: z.date().refine((d) => !Number.isNaN(d.getTime()), 'not a valid date'),
};

/** Drops keys whose value is undefined, so an update touches only what the caller sent. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
