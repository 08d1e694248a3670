import { describe, expect, it } from 'vitest';
import { releaseVersionOf } from './release-version.js';

describe('releaseVersionOf', () => {
  it('reads a version from a tag with or without v and refs/tags/', () => {
    expect(releaseVersionOf('v1.4.0')).toBe('1.4.0');
    expect(releaseVersionOf('1.4')).toBe('1.4');
    expect(releaseVersionOf('refs/tags/v2.0.0-rc.1')).toBe('2.0.0-rc.1');
    expect(releaseVersionOf('2026.11.1+build.7')).toBe('2026.11.1+build.7');
  });

  it('finds no version in branches, moving major tags, prefixed names or nothing', () => {
    for (const ref of ['main', 'v1', 'payments-v1.4.0', 'release-2.1', 'simple-tag', '', null, undefined]) expect(releaseVersionOf(ref)).toBeNull();
  });
});
