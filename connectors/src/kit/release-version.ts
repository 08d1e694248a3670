/**
 * A semantic-ish version after an optional `v`: `1.4`, `1.4.0`, `2026.11.1`, `1.4.0-rc.1`, `1.4.0+build.7`.
 * A bare `v1` (a moving major tag) and prefixed names (`payments-v1.4.0`, `release-2.1`) are no versions.
 */
const VERSION_TAG = /^v?(\d+\.\d+(?:\.\d+)*(?:[-+][0-9A-Za-z][0-9A-Za-z.+-]*)?)$/;

/**
 * The release version a tag names: the tag without `refs/tags/` and a leading `v`, when it looks
 * like a version; null for branches, shas and other names. Shared by the git-host and CI connectors
 * (GitHub, GitLab, Jenkins) so a tag links to the same release whichever of them reports it.
 *
 * @example releaseVersionOf('v1.4.0') // '1.4.0'
 * @example releaseVersionOf('refs/tags/2.0.0-rc.1') // '2.0.0-rc.1'
 * @example releaseVersionOf('main') // null
 */
export function releaseVersionOf(ref: string | null | undefined): string | null {
  const name = (ref ?? '').replace(/^refs\/tags\//, '');
  return VERSION_TAG.exec(name)?.[1] ?? null;
}
