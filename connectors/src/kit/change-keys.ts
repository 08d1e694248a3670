/** ServiceNow change numbers (CHG0030001) and Jira-style issue keys (OPS-123; project keys may have `_`: PAY_EU-7). */
const CHANGE_KEY_PATTERN = /\b(CHG\d{5,}|[A-Z][A-Z0-9_]{1,9}-\d+)\b/g;

/**
 * The candidate change keys named in a commit message, branch or tag name, in order of first
 * appearance. Candidates only: look-alikes such as `SHA-256` or `UTF-8` are found too, and the hub
 * keeps the keys of the projects it is configured for.
 *
 * @example changeKeysIn('CHG0030001: retry on timeout (OPS-12)') // ['CHG0030001', 'OPS-12']
 */
export function changeKeysIn(...texts: Array<string | null | undefined>): string[] {
  const keys = new Set<string>();
  for (const text of texts) for (const m of (text ?? '').matchAll(CHANGE_KEY_PATTERN)) keys.add(m[1]!);
  return [...keys];
}
