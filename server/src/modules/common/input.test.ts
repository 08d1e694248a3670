import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadUserInputError } from '../../domain-errors.js';
import { fields, parseInput } from './input.js';

describe('parseInput', () => {
  const schema = z.object({ name: fields.name, tz: fields.timezone.nullish(), ids: z.array(fields.id).nullish() });

  it('returns trimmed, typed input', () => {
    expect(parseInput(schema, { name: '  checkout ', tz: 'Europe/Berlin' }, 'input')).toEqual({ name: 'checkout', tz: 'Europe/Berlin' });
  });

  it('names the offending field by its path', () => {
    const attempt = (value: unknown) => {
      try {
        parseInput(schema, value, 'input');
      } catch (e) {
        return e;
      }
      return null;
    };
    const empty = attempt({ name: '' }) as BadUserInputError;
    expect(empty).toBeInstanceOf(BadUserInputError);
    expect(empty).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'input.name' } });
    expect((attempt({ name: 'a', tz: 'Nowhere/Land' }) as BadUserInputError).field).toBe('input.tz');
    expect((attempt({ name: 'a', ids: ['ok', ''] }) as BadUserInputError).field).toBe('input.ids.1');
  });
});
