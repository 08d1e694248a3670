import type { GateKind, GateResult, GateStatus } from './records.js';

/** Stage or job names that count as quality gates, by kind. First match wins. */
const GATE_PATTERNS: ReadonlyArray<[GateKind, RegExp]> = [
  ['VULNERABILITY_SCAN', /\b(vuln\w*|security|sast|dast|dependency[-_ ]?(check|scan)|trivy|snyk|grype|audit)\b/i],
  ['STATIC_ANALYSIS', /\b(lint\w*|static[-_ ]?analysis|sonar\w*|code[-_ ]?quality|eslint|checkstyle|spotbugs)\b/i],
  ['PERFORMANCE', /\b(perf\w*|load[-_ ]?test\w*|benchmark\w*|k6|gatling|jmeter)\b/i],
  ['TESTS', /\b(tests?|unit|integration|e2e|acceptance|specs?|check)\b/i],
];

/** The gate kind a stage name stands for, or null when it is no quality gate (build, deploy, ...). */
export function gateKindOf(stageName: string): GateKind | null {
  const words = stageName.replace(/[_:/.-]+/g, ' ');
  for (const [kind, pattern] of GATE_PATTERNS) if (pattern.test(words)) return kind;
  return null;
}

/** Normalises a CI provider's stage/job result to a gate status. */
export function gateStatusOf(result: string | null | undefined): GateStatus {
  switch ((result ?? '').toLowerCase()) {
    case 'success':
    case 'passed':
    case 'succeeded':
    case 'ok':
      return 'PASSED';
    case 'failure':
    case 'failed':
    case 'timed_out':
    case 'error':
    case 'unstable':
      return 'FAILED';
    case 'skipped':
    case 'neutral':
    case 'not_built':
    case 'manual':
      return 'SKIPPED';
    default:
      return 'PENDING';
  }
}

/** The quality gates among a run's stages (non-gate stages are left out). */
export function gatesOf(stages: ReadonlyArray<{ name: string; result: string | null | undefined }>): GateResult[] {
  const gates: GateResult[] = [];
  for (const s of stages) {
    const kind = gateKindOf(s.name);
    if (kind) gates.push({ name: s.name, kind, status: gateStatusOf(s.result) });
  }
  return gates;
}
