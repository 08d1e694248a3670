import { EnvironmentTier } from './environment.entity.js';

/** A tier by its name, as the config file spells it. */
export type TierName = `${EnvironmentTier}`;

const TIER_BY_NAME: Readonly<Record<TierName, EnvironmentTier>> = {
  DEV: EnvironmentTier.DEV,
  TEST: EnvironmentTier.TEST,
  STAGING: EnvironmentTier.STAGING,
  PROD: EnvironmentTier.PROD,
};

/**
 * One entry of `environments.tiers` in the config file: environments whose name matches `match`
 * get `tier`. `match` is an exact name or a glob (`*` any run of characters, `?` one character);
 * both ignore case and must match the whole name.
 */
export interface TierOverride {
  match: string;
  tier: TierName;
}

/** One built-in rule: an environment whose name has one of these words gets this tier. */
export interface TierRule {
  tier: EnvironmentTier;
  words: readonly string[];
  /** Why these words mean this tier (shown in the docs). */
  reason: string;
}

/**
 * The built-in rules, in the order they are tried: the first rule with a word of the name wins.
 * Less production wins over more: a name that also says `dev`, `review`, `staging` or `test` is not
 * PROD (`review/fix-prod-banner`, `prod-test`), because PROD brings automatic rollbacks and
 * stabilization windows; an environment that really is production despite such a word gets an
 * override. Words are whole tokens of the name (see {@link nameWords}), never parts of a word
 * (`devops-prod` is PROD, `product-qa` is TEST).
 */
export const TIER_RULES: readonly TierRule[] = [
  {
    tier: EnvironmentTier.DEV,
    words: ['dev', 'development', 'sandbox', 'local', 'preview', 'feature', 'feat', 'review'],
    reason: "a developer's, a branch's or a merge request's own environment, whatever else its name says",
  },
  {
    tier: EnvironmentTier.STAGING,
    words: ['preprod', 'preproduction', 'preprd', 'prelive', 'staging', 'stage', 'stg', 'uat', 'perf', 'performance', 'load'],
    reason: 'the last stop before production: pre-production, acceptance, and performance or load testing at production scale',
  },
  {
    tier: EnvironmentTier.TEST,
    words: ['nonprod', 'nonproduction', 'nonprd', 'nonlive', 'np', 'test', 'testing', 'qa', 'int', 'integration', 'sit', 'e2e'],
    reason: 'shared environments where integrated builds are tested; a "non-prod" environment is one of these',
  },
  {
    tier: EnvironmentTier.PROD,
    words: ['prod', 'prd', 'production', 'live'],
    reason: 'customer-facing, when no word above qualifies it',
  },
];

/** The tier of a name none of the rules match. */
export const DEFAULT_TIER = EnvironmentTier.DEV;

/** Words that turn a following production word into its opposite: `pre-prod`, `non_prod`, `preProd`. */
const QUALIFIERS = new Set(['pre', 'non']);
const PRODUCTION_WORDS = new Set(['prod', 'prd', 'production', 'live']);

/**
 * The words of an environment name, lower case: split on anything but letters and digits, at
 * camel-case humps (`preProd`, `ProdEU`, `UATEnv`), and digits off the end or start of a word
 * (`prod2`, `qa01`; `e2e` stays whole). `pre` or `non` before a production word joins it
 * (`pre-prod` → `preprod`, `non_production` → `nonproduction`).
 *
 * @example nameWords('payments-preProd_EU2') // ['payments', 'preprod', 'eu', '2']
 */
export function nameWords(name: string): string[] {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .flatMap((word) => /^([a-z]+)(\d+)$/.exec(word)?.slice(1) ?? /^(\d+)([a-z]+)$/.exec(word)?.slice(1) ?? [word])
    .filter(Boolean);
  const joined: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = words[i + 1];
    if (QUALIFIERS.has(word) && next !== undefined && PRODUCTION_WORDS.has(next)) {
      joined.push(word + next);
      i++;
    } else {
      joined.push(word);
    }
  }
  return joined;
}

/** Why an environment got its tier: an override of the config file, a word of a built-in rule, or the default. */
export type TierVerdict =
  { tier: EnvironmentTier; by: 'override'; match: string } | { tier: EnvironmentTier; by: 'word'; word: string } | { tier: EnvironmentTier; by: 'default' };

/** Whether `name` matches an override's exact name or glob (case-insensitive, whole name). */
export function matchesOverride(name: string, match: string): boolean {
  const source = [...match].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'is').test(name);
}

/** The tier of an environment's name and the rule that decided it: the first matching override, else the built-in rules, else DEV. */
export function explainTier(name: string, overrides: readonly TierOverride[] = []): TierVerdict {
  const override = overrides.find((o) => matchesOverride(name, o.match));
  if (override) return { tier: TIER_BY_NAME[override.tier], by: 'override', match: override.match };
  const words = new Set(nameWords(name));
  for (const rule of TIER_RULES) {
    const word = rule.words.find((w) => words.has(w));
    if (word) return { tier: rule.tier, by: 'word', word };
  }
  return { tier: DEFAULT_TIER, by: 'default' };
}

/**
 * The tier an environment's name suggests (a source never says): the first override whose exact
 * name or glob matches, else the first of {@link TIER_RULES} with a word of the name, else DEV.
 *
 * @example tierOf('prod_eu') // PROD
 * @example tierOf('pre-prod') // STAGING
 * @example tierOf('eu-central', [{ match: 'eu-*', tier: 'PROD' }]) // PROD
 */
export function tierOf(name: string, overrides: readonly TierOverride[] = []): EnvironmentTier {
  return explainTier(name, overrides).tier;
}
