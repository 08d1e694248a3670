import { EnvironmentTier } from './environment.entity.js';

export interface TierOverride {
  match: string;
  tier: EnvironmentTier;
}

/** The tier an environment's name suggests (a source never says); rules are replaced by the tier-rules work. */
export function tierOf(name: string, _overrides: readonly TierOverride[] = []): EnvironmentTier {
  const n = name.toLowerCase();
  if (/\b(prod|production|live)\b/.test(n) || n === 'prd') return EnvironmentTier.PROD;
  if (/\b(stag|staging|stage|preprod|pre-prod|uat)/.test(n)) return EnvironmentTier.STAGING;
  if (/\b(test|qa|int|integration|sit)\b/.test(n)) return EnvironmentTier.TEST;
  return EnvironmentTier.DEV;
}
