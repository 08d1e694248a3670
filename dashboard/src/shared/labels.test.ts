// @vitest-environment node
import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_DECISION_LABEL,
  APPROVAL_LABEL,
  CHANGE_STATE_LABEL,
  COMPARATOR_SYMBOL,
  CONNECTOR_STATUS_LABEL,
  DEPLOYMENT_STATUS_LABEL,
  ESCALATION_STATUS_LABEL,
  GATE_LABEL,
  GATE_STATUS_LABEL,
  HEALTH_LABEL,
  INCIDENT_STATUS_LABEL,
  PIPELINE_STATUS_LABEL,
  PRIORITY_LABEL,
  RANGE_LABEL,
  RELEASE_STATUS_LABEL,
  RISK_LABEL,
  ROLE_LABEL,
  ROLLBACK_MODE_LABEL,
  ROLLBACK_STATUS_LABEL,
  SEVERITY_LABEL,
  SPAN_KIND_LABEL,
  STABILIZATION_STATUS_LABEL,
  TIMELINE_KIND_LABEL,
} from './labels';
import { RANGE_CHOICES } from '../kpis/kpi-model';

/** The hub's schema as committed: a value added there without a label here fails below. */
const schema = buildSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));

function enumValues(name: string): string[] {
  const type = schema.getType(name);
  if (!isEnumType(type)) throw new Error(`${name} is not an enum of the schema`);
  return type.getValues().map((v) => v.name);
}

const TABLES: Record<string, Record<string, string>> = {
  ReleaseStatus: RELEASE_STATUS_LABEL,
  DeploymentStatus: DEPLOYMENT_STATUS_LABEL,
  StabilizationStatus: STABILIZATION_STATUS_LABEL,
  RollbackDecisionStatus: ROLLBACK_STATUS_LABEL,
  RollbackMode: ROLLBACK_MODE_LABEL,
  ChangeState: CHANGE_STATE_LABEL,
  ChangeRisk: RISK_LABEL,
  ApprovalDecision: APPROVAL_DECISION_LABEL,
  PipelineStatus: PIPELINE_STATUS_LABEL,
  GateStatus: GATE_STATUS_LABEL,
  IncidentStatus: INCIDENT_STATUS_LABEL,
  IncidentSeverity: SEVERITY_LABEL,
  EscalationStatus: ESCALATION_STATUS_LABEL,
  ConnectorStatus: CONNECTOR_STATUS_LABEL,
  Priority: PRIORITY_LABEL,
  Role: ROLE_LABEL,
  Comparator: COMPARATOR_SYMBOL,
};

describe('labels', () => {
  it.each(Object.entries(TABLES))('has a label for every value of %s, and for nothing else', (name, table) => {
    expect(Object.keys(table).sort()).toEqual(enumValues(name).sort());
    for (const label of Object.values(table)) expect(label.trim()).not.toBe('');
  });

  it("has a label for every one of the dashboard's own summaries", () => {
    expect(Object.keys(HEALTH_LABEL).sort()).toEqual(['failing', 'healthy', 'inconclusive', 'unknown']);
    expect(Object.keys(APPROVAL_LABEL).sort()).toEqual(['approved', 'awaiting', 'none', 'rejected']);
    expect(Object.keys(GATE_LABEL).sort()).toEqual(['failed', 'none', 'passed', 'pending']);
    expect(Object.keys(RANGE_LABEL).sort()).toEqual(Object.keys(RANGE_CHOICES).sort());
    expect(Object.keys(TIMELINE_KIND_LABEL)).toHaveLength(11);
    expect(Object.values(SPAN_KIND_LABEL)).toEqual(['internal', 'server', 'client', 'producer', 'consumer']);
  });

  it('reads the same wherever a status is shown: a closed window says so, a rollback decision names itself', () => {
    expect(STABILIZATION_STATUS_LABEL.STABLE).toBe('Closed · stable');
    expect(STABILIZATION_STATUS_LABEL.ROLLED_BACK).toBe('Closed · rolled back');
    expect(ROLLBACK_STATUS_LABEL).toEqual({ RECOMMENDED: 'Rollback recommended', ROLLED_BACK: 'Rolled back', DISMISSED: 'Rollback dismissed' });
    expect(ROLE_LABEL.RELEASE_MANAGER).toBe('release manager');
  });
});
