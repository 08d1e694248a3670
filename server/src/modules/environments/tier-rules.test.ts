import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvironmentTier } from './environment.entity.js';
import { TIER_RULES, explainTier, nameWords, tierOf } from './tier-rules.js';

const { DEV, TEST, STAGING, PROD } = EnvironmentTier;

describe('tierOf', () => {
  it.each([
    ['pre-prod', STAGING],
    ['preprod', STAGING],
    ['non-prod', TEST],
    ['nonprod', TEST],
    ['uat', STAGING],
    ['qa', TEST],
    ['prod-eu', PROD],
    ['prod_eu', PROD],
    ['production-us-east-1', PROD],
    ['stg', STAGING],
    ['perf', STAGING],
    ['staging', STAGING],
    ['production', PROD],
    ['prod', PROD],
    ['live', PROD],
    ['dev', DEV],
    ['test', TEST],
    ['sit', TEST],
    ['int', TEST],
    ['integration', TEST],
    ['sandbox', DEV],
    ['eu-prod', PROD],
    ['PRD', PROD],
  ])('%s is %s', (name, tier) => {
    expect(tierOf(name)).toBe(tier);
  });

  it('reads qualified production words in every spelling as not production', () => {
    for (const name of ['pre_prod', 'preProd', 'Pre-Production', 'pre-live', 'payments-preprod-eu']) expect(tierOf(name), name).toBe(STAGING);
    for (const name of ['non_prod', 'nonProd', 'non-production', 'NP', 'eu-np-1']) expect(tierOf(name), name).toBe(TEST);
  });

  it('takes whole words only, split at camel case and at digits on the end of a word', () => {
    expect(tierOf('ProdEU')).toBe(PROD);
    expect(tierOf('prod2')).toBe(PROD);
    expect(tierOf('qa01')).toBe(TEST);
    expect(tierOf('UATEnv')).toBe(STAGING);
    expect(tierOf('e2e')).toBe(TEST);
    expect(tierOf('devops-prod')).toBe(PROD); // devops is not dev
    expect(tierOf('products')).toBe(DEV); // nor is products prod
    expect(tierOf('livestream')).toBe(DEV);
    expect(nameWords('payments-preProd_EU2')).toEqual(['payments', 'preprod', 'eu', '2']);
  });

  it('lets a less-production word win over a production word', () => {
    expect(tierOf('review/fix-prod-banner')).toBe(DEV);
    expect(tierOf('feature-prod-dashboard')).toBe(DEV);
    expect(tierOf('prod-test')).toBe(TEST);
    expect(tierOf('prod-perf')).toBe(STAGING);
    expect(tierOf('perf-test')).toBe(STAGING);
    expect(tierOf('load-test')).toBe(STAGING);
  });

  it('falls back on DEV for a name no rule knows', () => {
    expect(explainTier('eu-central-1')).toEqual({ tier: DEV, by: 'default' });
    expect(tierOf('')).toBe(DEV);
  });

  describe('overrides', () => {
    it('match an exact name, ignoring case, before the built-in rules', () => {
      const overrides = [{ match: 'Prod-Test', tier: 'PROD' as const }];
      expect(explainTier('prod-test', overrides)).toEqual({ tier: PROD, by: 'override', match: 'Prod-Test' });
      expect(tierOf('prod-test-2', overrides)).toBe(TEST); // an exact name matches that name only
    });

    it('match globs with * and ?, the whole name, and treat other characters literally', () => {
      const overrides = [
        { match: 'eu-*', tier: 'PROD' as const },
        { match: 'shard-?', tier: 'STAGING' as const },
        { match: 'a.b', tier: 'TEST' as const },
      ];
      expect(tierOf('eu-central-1', overrides)).toBe(PROD);
      expect(tierOf('EU-WEST', overrides)).toBe(PROD);
      expect(tierOf('us-eu-1', overrides)).toBe(DEV); // not anchored at the start
      expect(tierOf('shard-7', overrides)).toBe(STAGING);
      expect(tierOf('shard-17', overrides)).toBe(DEV); // ? is one character
      expect(tierOf('a.b', overrides)).toBe(TEST);
      expect(tierOf('axb', overrides)).toBe(DEV); // . is a dot, not any character
    });

    it('are tried in order: the first match wins', () => {
      const overrides = [
        { match: 'payments-canary', tier: 'STAGING' as const },
        { match: 'payments-*', tier: 'PROD' as const },
        { match: '*canary*', tier: 'TEST' as const },
      ];
      expect(tierOf('payments-canary', overrides)).toBe(STAGING);
      expect(tierOf('payments-eu', overrides)).toBe(PROD);
      expect(tierOf('orders-canary', overrides)).toBe(TEST);
    });
  });

  it('lists each word in one rule only, in lower case, so the table in the docs is unambiguous', () => {
    const words = TIER_RULES.flatMap((r) => r.words);
    expect(new Set(words).size).toBe(words.length);
    for (const word of words) expect(word).toMatch(/^[a-z0-9]+$/);
  });

  it('are the rules docs/connectors.md lists', () => {
    const docs = fs.readFileSync(new URL('../../../../docs/connectors.md', import.meta.url), 'utf8');
    for (const rule of TIER_RULES) {
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${rule.tier}\``));
      expect(row, rule.tier).toBeDefined();
      const words = [...row!.split('|')[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      expect(words, rule.tier).toEqual(rule.words);
    }
  });
});
