/**
 * A change key: a Jira-style issue key `PREFIX-<digits>` (the prefix is a project key: an upper-case
 * letter, then 1–9 upper-case letters, digits or `_`) or a ServiceNow change number `CHG<5+ digits>`
 * (its prefix is `CHG`). Never part of a longer word (`xOPS-1`, `OPS-1a`).
 */
const KEY = String.raw`(?:(CHG)\d{5,}|([A-Z][A-Z0-9_]{1,9})-\d+)`;
const KEY_IN_TEXT = new RegExp(String.raw`(?<![A-Za-z0-9_])${KEY}(?![A-Za-z0-9_])`, 'g');
const WHOLE_KEY = new RegExp(`^${KEY}$`);

/** The form of a prefix in `changeKeys.prefixes`. */
export const CHANGE_KEY_PREFIX = /^[A-Z][A-Z0-9_]{1,9}$/;

/** The prefix ServiceNow change numbers start with; a configured ServiceNow connector adds it. */
export const SERVICENOW_CHANGE_PREFIX = 'CHG';

/**
 * Prefixes of identifiers that look like issue keys but are standards, algorithms, encodings or
 * advisories (`SHA-256`, `UTF-8`, `ISO-8601`, `CVE-2024-1234`, `RFC-7231`). Used only when no
 * prefix is configured at all; a configured prefix is taken even if it is listed here (a Jira
 * project may well be called `SOC`).
 */
export const NOT_CHANGE_PREFIXES: ReadonlySet<string> = new Set([
  ...['SHA', 'MD', 'AES', 'RSA', 'ECDSA', 'HMAC', 'CRC'], // algorithms: SHA-256, AES-128
  ...['UTF', 'UCS', 'ISO', 'IEC', 'IEEE', 'ANSI', 'ECMA', 'ES', 'RFC', 'PEP', 'JSR', 'CP', 'EN', 'DIN', 'BS'], // encodings and standards: UTF-8, ISO-8601, ES-2015, CP-1252
  ...['CVE', 'CWE', 'CVSS', 'GHSA', 'CAPEC', 'OWASP'], // advisories and weaknesses: CVE-2024-1234, CWE-79
  ...['TLS', 'SSL', 'HTTP', 'HTTPS', 'SSH', 'TCP', 'UDP', 'IPV', 'SMB', 'SNMP'], // protocols: TLS-13, HTTP-2
  ...['FIPS', 'NIST', 'PCI', 'SOC', 'SOX', 'HIPAA'], // compliance: FIPS-140, SOC-2
  ...['UTC', 'GMT', 'WIN', 'ARM', 'GPT', 'COVID'], // others: UTC-5, WIN-11, GPT-4
]);

/** The prefix of a change key (`OPS` of `OPS-12`, `CHG` of `CHG0030001`), or `null` when it is not one. */
export function changeKeyPrefix(key: string): string | null {
  const m = WHOLE_KEY.exec(key);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/**
 * Which change keys of commit messages, branch and tag names name changes: only keys whose prefix is
 * configured — `changeKeys.prefixes` of the config file, the `projects` of every Jira connector,
 * and `CHG` when a ServiceNow connector is configured. With no prefix configured at all, every key
 * is taken but those of {@link NOT_CHANGE_PREFIXES}, so a hub whose changes are all made through
 * the API still links commits to them.
 */
export class ChangeKeyRules {
  /** The configured prefixes; empty when none is (then {@link NOT_CHANGE_PREFIXES} decides). */
  readonly prefixes: ReadonlySet<string>;

  constructor(prefixes: Iterable<string>) {
    this.prefixes = new Set(prefixes);
  }

  /**
   * The rules of a config file: its `changeKeys.prefixes` and its connectors' parsed configs.
   *
   * @example ChangeKeyRules.fromConfig(config.file.changeKeys.prefixes, config.connectors.map((c) => c.config))
   */
  static fromConfig(prefixes: readonly string[], connectors: ReadonlyArray<{ kind: string; projects?: readonly string[] }>): ChangeKeyRules {
    const all = [...prefixes];
    for (const connector of connectors) {
      if (connector.kind === 'jira') all.push(...(connector.projects ?? []));
      if (connector.kind === 'servicenow') all.push(SERVICENOW_CHANGE_PREFIX);
    }
    return new ChangeKeyRules(all);
  }

  /** Whether any prefix is configured (else the deny-list of look-alikes decides). */
  get configured(): boolean {
    return this.prefixes.size > 0;
  }

  /** Whether `key` is a change key these rules take. */
  accepts(key: string): boolean {
    const prefix = changeKeyPrefix(key);
    if (prefix === null) return false;
    return this.configured ? this.prefixes.has(prefix) : !NOT_CHANGE_PREFIXES.has(prefix);
  }

  /** The keys these rules take, in their order, once each (e.g. the candidates a connector found). */
  filter(keys: readonly string[]): string[] {
    return [...new Set(keys.filter((key) => this.accepts(key)))];
  }

  /**
   * The change keys named in texts (commit message, branch, tag), in order of first appearance.
   *
   * @example new ChangeKeyRules(['OPS']).extract('OPS-12: pin SHA-256 digests (CVE-2024-1234)', 'feature/OPS-12') // ['OPS-12']
   */
  extract(...texts: Array<string | null | undefined>): string[] {
    return this.filter(texts.flatMap((text) => [...(text ?? '').matchAll(KEY_IN_TEXT)].map((m) => m[0])));
  }
}
