import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH, auditHash } from './write-path.js';

describe('audit hashes', () => {
  const entry = {
    at: new Date('2026-11-26T10:00:00.000Z'),
    actorId: 'token:1',
    actor: 'alex',
    action: 'release.created',
    subjectType: 'Release',
    subjectId: 'rg:release:1',
    data: { b: 1, a: [1, { d: 2, c: 3 }] },
  };

  it('do not depend on key order, and chain on the previous hash', () => {
    const same = auditHash(GENESIS_HASH, { ...entry, data: { a: [1, { c: 3, d: 2 }], b: 1 } });
    expect(auditHash(GENESIS_HASH, entry)).toBe(same);
    expect(auditHash('f'.repeat(64), entry)).not.toBe(same);
    expect(canonicalJson({ z: 1, a: { y: 2, b: 3 } })).toBe('{"a":{"b":3,"y":2},"z":1}');
  });

  it('change with any field of the entry', () => {
    const base = auditHash(GENESIS_HASH, entry);
    for (const changed of [
      { actor: 'sam' },
      { action: 'release.updated' },
      { subjectId: 'rg:release:2' },
      { at: new Date('2026-11-26T10:00:00.001Z') },
      { data: { b: 2, a: [] } },
    ]) {
      expect(auditHash(GENESIS_HASH, { ...entry, ...changed })).not.toBe(base);
    }
  });
});
