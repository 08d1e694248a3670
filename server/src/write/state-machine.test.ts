import { describe, expect, it } from 'vitest';
import { STATE_MACHINES } from '../events/catalogue-docs.js';
import { CHANGE_LIFECYCLE } from '../modules/changes/change.lifecycle.js';
import { DEPLOYMENT_LIFECYCLE } from '../modules/deployments/deployment.lifecycle.js';
import { INCIDENT_LIFECYCLE } from '../modules/incidents/incident.lifecycle.js';
import { RELEASE_LIFECYCLE, rolloutMoves } from '../modules/releases/release.lifecycle.js';
import { ReleaseStatus } from '../modules/releases/release.entity.js';
import { STABILIZATION_WINDOW_LIFECYCLE } from '../modules/stabilization/stabilization-window.lifecycle.js';
import { ROLLBACK_DECISION_LIFECYCLE } from '../modules/verification/rollback-decision.lifecycle.js';
import { decide as decideTyped, movesOf, terminalStates, type CauseKind, type StateMachine } from './state-machine.js';

/** The tables with their states as plain strings, as the tests name them. */
const decide = <S extends string>(m: StateMachine<S>, from: string, to: string, cause: CauseKind) => decideTyped(m, from as S, to as S, cause);

describe('every transition table', () => {
  it.each(STATE_MACHINES.map((m) => [m.subject, m] as const))('%s: every state has a meaning and a row; moves name only its states', (_, m) => {
    for (const s of m.states) {
      expect(m.meaning[s]).toBeTruthy();
      expect(m.moves[s]).toBeDefined();
      for (const to of Object.keys(m.moves[s] ?? {})) expect(m.states).toContain(to);
    }
    for (const move of movesOf(m)) expect(move.causes.length).toBeGreaterThan(0);
  });
});

describe('deployment', () => {
  const d = DEPLOYMENT_LIFECYCLE;
  it('moves forward for persons and sources alike', () => {
    expect(decide(d, 'PENDING', 'IN_PROGRESS', 'person').kind).toBe('move');
    expect(decide(d, 'IN_PROGRESS', 'SUCCEEDED', 'source').kind).toBe('move');
    expect(decide(d, 'SUCCEEDED', 'ROLLED_BACK', 'verifier').kind).toBe('move');
  });
  it('ignores a late report from a source, and refuses the same move from a person', () => {
    expect(decide(d, 'SUCCEEDED', 'IN_PROGRESS', 'source').kind).toBe('late');
    expect(decide(d, 'ROLLED_BACK', 'SUCCEEDED', 'source').kind).toBe('late');
    expect(decide(d, 'SUCCEEDED', 'IN_PROGRESS', 'person')).toEqual({
      kind: 'refused',
      reason: 'a SUCCEEDED deployment becomes IN_PROGRESS only by rerun, not by person',
    });
  });
  it('starts a finished deployment again only on a new attempt', () => {
    expect(decide(d, 'FAILED', 'IN_PROGRESS', 'rerun').kind).toBe('move');
    expect(decide(d, 'ROLLED_BACK', 'IN_PROGRESS', 'rerun').kind).toBe('move');
    expect(decide(d, 'SUCCEEDED', 'FAILED', 'rerun').kind).toBe('move');
  });
  it('lets only what the table names roll back', () => {
    expect(decide(d, 'PENDING', 'ROLLED_BACK', 'verifier').kind).toBe('refused');
    expect(decide(d, 'SUCCEEDED', 'FAILED', 'person').kind).toBe('refused');
    expect(decide(d, 'SUCCEEDED', 'SUCCEEDED', 'source').kind).toBe('same');
  });
});

describe('release', () => {
  const r = RELEASE_LIFECYCLE;
  it('ends DONE, ROLLED_BACK or CANCELLED', () => {
    expect(terminalStates(r as StateMachine<string>)).toEqual(['DONE', 'ROLLED_BACK', 'CANCELLED']);
  });
  it('follows its deployments forward (rollout), never back', () => {
    expect(decide(r, 'PLANNED', 'DEPLOYING', 'rollout').kind).toBe('move');
    expect(decide(r, 'SCHEDULED', 'DEPLOYING', 'rollout').kind).toBe('move');
    expect(decide(r, 'DEPLOYING', 'STABILIZING', 'rollout').kind).toBe('move');
    expect(decide(r, 'STABILIZING', 'ROLLED_BACK', 'rollout').kind).toBe('move');
    expect(decide(r, 'PLANNED', 'STABILIZING', 'rollout').kind).toBe('refused');
    expect(decide(r, 'DONE', 'DEPLOYING', 'rollout').kind).toBe('refused');
    expect(decide(r, 'CANCELLED', 'DEPLOYING', 'rollout').kind).toBe('refused');
  });
  it('is DONE only by the stabilization round or a person, and scheduled or cancelled only by a person', () => {
    expect(decide(r, 'STABILIZING', 'DONE', 'stabilization').kind).toBe('move');
    expect(decide(r, 'STABILIZING', 'DONE', 'rollout').kind).toBe('refused');
    expect(decide(r, 'PLANNED', 'SCHEDULED', 'rollout').kind).toBe('refused');
    expect(decide(r, 'PLANNED', 'CANCELLED', 'person').kind).toBe('move');
    expect(decide(r, 'DEPLOYING', 'CANCELLED', 'person').kind).toBe('refused');
  });
  it('rolls back automatically (verifier) or when a person accepts', () => {
    expect(decide(r, 'DEPLOYING', 'ROLLED_BACK', 'verifier').kind).toBe('move');
    expect(decide(r, 'STABILIZING', 'ROLLED_BACK', 'person').kind).toBe('move');
    expect(decide(r, 'DONE', 'ROLLED_BACK', 'verifier').kind).toBe('refused');
  });
});

describe('a release following its deployments (rolloutMoves)', () => {
  const S = ReleaseStatus;
  const facts = (f: Partial<{ started: boolean; inProduction: boolean; rolledBack: boolean }>) => ({
    started: true,
    inProduction: false,
    rolledBack: false,
    ...f,
  });
  it('waits for a deployment to start', () => {
    expect(rolloutMoves(S.PLANNED, facts({ started: false }))).toEqual([]);
  });
  it('DEPLOYING on the first start, then STABILIZING once every service is in production, never skipping a step', () => {
    expect(rolloutMoves(S.PLANNED, facts({}))).toEqual([S.DEPLOYING]);
    expect(rolloutMoves(S.SCHEDULED, facts({ inProduction: true }))).toEqual([S.DEPLOYING, S.STABILIZING]);
    expect(rolloutMoves(S.DEPLOYING, facts({ inProduction: true }))).toEqual([S.STABILIZING]);
    expect(rolloutMoves(S.STABILIZING, facts({ inProduction: true }))).toEqual([]);
  });
  it('ROLLED_BACK when production rolled back, while deploying or stabilizing only', () => {
    expect(rolloutMoves(S.STABILIZING, facts({ rolledBack: true, inProduction: true }))).toEqual([S.ROLLED_BACK]);
    expect(rolloutMoves(S.PLANNED, facts({ rolledBack: true }))).toEqual([S.DEPLOYING, S.ROLLED_BACK]);
    expect(rolloutMoves(S.DONE, facts({ rolledBack: true }))).toEqual([]);
  });
  it('leaves a finished or cancelled release alone', () => {
    for (const status of [S.DONE, S.CANCELLED, S.ROLLED_BACK]) expect(rolloutMoves(status, facts({ inProduction: true }))).toEqual([]);
  });
  it('makes only moves the table allows a rollout', () => {
    for (const from of RELEASE_LIFECYCLE.states) {
      let at = from;
      for (const to of rolloutMoves(from, facts({ inProduction: true }))) {
        expect(decide(RELEASE_LIFECYCLE, at, to, 'rollout').kind).toBe('move');
        at = to;
      }
    }
  });
});

describe('change', () => {
  const c = CHANGE_LIFECYCLE;
  it('takes what the ITSM reports, a step back included, but never reopens a closed change', () => {
    expect(decide(c, 'AUTHORIZE', 'ASSESS', 'source').kind).toBe('move');
    expect(decide(c, 'NEW', 'IMPLEMENT', 'source').kind).toBe('move');
    expect(decide(c, 'CLOSED', 'IMPLEMENT', 'source').kind).toBe('late');
    expect(decide(c, 'CANCELLED', 'NEW', 'source').kind).toBe('late');
  });
  it('moves along the flow through the API', () => {
    expect(decide(c, 'NEW', 'AUTHORIZE', 'person').kind).toBe('move');
    expect(decide(c, 'AUTHORIZE', 'SCHEDULED', 'person').kind).toBe('move');
    expect(decide(c, 'NEW', 'IMPLEMENT', 'person').kind).toBe('refused');
    expect(decide(c, 'CLOSED', 'NEW', 'person').kind).toBe('refused');
  });
});

describe('incident, rollback decision, stabilization window', () => {
  it('incident: acknowledged and resolved by sources or persons, resolved by the detector; a late trigger changes nothing', () => {
    expect(decide(INCIDENT_LIFECYCLE, 'TRIGGERED', 'RESOLVED', 'detector').kind).toBe('move');
    expect(decide(INCIDENT_LIFECYCLE, 'ACKNOWLEDGED', 'TRIGGERED', 'source').kind).toBe('late');
    expect(decide(INCIDENT_LIFECYCLE, 'RESOLVED', 'ACKNOWLEDGED', 'source').kind).toBe('late');
    expect(decide(INCIDENT_LIFECYCLE, 'TRIGGERED', 'ACKNOWLEDGED', 'detector').kind).toBe('refused');
  });
  it('rollback decision: a person settles a recommendation once', () => {
    expect(decide(ROLLBACK_DECISION_LIFECYCLE, 'RECOMMENDED', 'ROLLED_BACK', 'person').kind).toBe('move');
    expect(decide(ROLLBACK_DECISION_LIFECYCLE, 'RECOMMENDED', 'DISMISSED', 'verifier').kind).toBe('refused');
    expect(decide(ROLLBACK_DECISION_LIFECYCLE, 'DISMISSED', 'ROLLED_BACK', 'person').kind).toBe('refused');
  });
  it('stabilization window: only the round closes or extends it', () => {
    expect(decide(STABILIZATION_WINDOW_LIFECYCLE, 'OPEN', 'EXTENDED', 'stabilization').kind).toBe('move');
    expect(decide(STABILIZATION_WINDOW_LIFECYCLE, 'EXTENDED', 'STABLE', 'stabilization').kind).toBe('move');
    expect(decide(STABILIZATION_WINDOW_LIFECYCLE, 'OPEN', 'STABLE', 'person').kind).toBe('refused');
    expect(decide(STABILIZATION_WINDOW_LIFECYCLE, 'STABLE', 'OPEN', 'stabilization').kind).toBe('refused');
  });
});
