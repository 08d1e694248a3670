import { describe, expect, it } from 'vitest';
import { gateKindOf, gatesOf } from './gates.js';

describe('quality gates by stage name', () => {
  it('recognises the four gate kinds and leaves build and deploy stages out', () => {
    expect(gateKindOf('SonarQube analysis')).toBe('STATIC_ANALYSIS');
    expect(gateKindOf('lint')).toBe('STATIC_ANALYSIS');
    expect(gateKindOf('trivy-image-scan')).toBe('VULNERABILITY_SCAN');
    expect(gateKindOf('dependency-check')).toBe('VULNERABILITY_SCAN');
    expect(gateKindOf('unit-tests')).toBe('TESTS');
    expect(gateKindOf('k6 load test')).toBe('PERFORMANCE');
    expect(gateKindOf('build')).toBeNull();
    expect(gateKindOf('deploy:staging')).toBeNull();
  });

  it('maps provider results to gate statuses', () => {
    expect(
      gatesOf([
        { name: 'build', result: 'success' },
        { name: 'test', result: 'failure' },
        { name: 'lint', result: 'success' },
        { name: 'perf', result: 'skipped' },
        { name: 'security scan', result: null },
      ]),
    ).toEqual([
      { name: 'test', kind: 'TESTS', status: 'FAILED' },
      { name: 'lint', kind: 'STATIC_ANALYSIS', status: 'PASSED' },
      { name: 'perf', kind: 'PERFORMANCE', status: 'SKIPPED' },
      { name: 'security scan', kind: 'VULNERABILITY_SCAN', status: 'PENDING' },
    ]);
  });
});
