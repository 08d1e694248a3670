import { changeKeysIn } from '@releasegraph/connectors';
import { describe, expect, it } from 'vitest';
import { ChangeKeyRules, changeKeyPrefix } from './change-key-rules.js';

const LOOK_ALIKES = 'Pin SHA-256 digests, UTF-8 bodies and ISO-8601 times; fixes CVE-2024-1234 (RFC-7231, TLS-13).';
const jira = { kind: 'jira', projects: ['OPS', 'PAY_EU'] };
const servicenow = { kind: 'servicenow' };
const github = { kind: 'github' };

describe('changeKeyPrefix', () => {
  it('is the project of an issue key and CHG of a change number, else null', () => {
    expect(changeKeyPrefix('OPS-12')).toBe('OPS');
    expect(changeKeyPrefix('PAY_EU-7')).toBe('PAY_EU');
    expect(changeKeyPrefix('CHG0030001')).toBe('CHG');
    expect(changeKeyPrefix('CHG-4')).toBe('CHG');
    for (const notAKey of ['CHG12', 'ops-12', 'O-12', 'OPS-', 'OPS-12a', 'v1.2.3', 'TOOLONGPREFIX-1']) expect(changeKeyPrefix(notAKey), notAKey).toBeNull();
  });
});

describe('ChangeKeyRules', () => {
  it('never takes standards, encodings or advisories, configured or not', () => {
    for (const rules of [new ChangeKeyRules([]), ChangeKeyRules.fromConfig(['OPS'], [jira, servicenow])]) {
      expect(rules.extract(LOOK_ALIKES)).toEqual([]);
      expect(rules.filter(['SHA-256', 'UTF-8', 'ISO-8601', 'CVE-2024', 'RFC-7231', 'TLS-13'])).toEqual([]);
    }
  });

  it('takes a project key only when it is configured (changeKeys.prefixes or a Jira connector)', () => {
    const message = `OPS-12: retry card authorisation (PAY_EU-7, WEB-3). ${LOOK_ALIKES}`;
    expect(ChangeKeyRules.fromConfig(['OPS'], []).extract(message)).toEqual(['OPS-12']);
    expect(ChangeKeyRules.fromConfig([], [jira]).extract(message, 'feature/OPS-12-retry')).toEqual(['OPS-12', 'PAY_EU-7']);
    expect(ChangeKeyRules.fromConfig(['WEB'], [servicenow]).extract(message)).toEqual(['WEB-3']);
    expect(ChangeKeyRules.fromConfig([], [servicenow, github]).extract(message)).toEqual([]);
  });

  it('takes ServiceNow change numbers when a ServiceNow connector is configured or CHG is a prefix', () => {
    const message = 'CHG0030001: retry card authorisation (OPS-12)';
    expect(ChangeKeyRules.fromConfig([], [servicenow]).extract(message)).toEqual(['CHG0030001']);
    expect(ChangeKeyRules.fromConfig(['CHG'], []).extract(message)).toEqual(['CHG0030001']);
    expect(ChangeKeyRules.fromConfig(['OPS'], [github]).extract(message)).toEqual(['OPS-12']);
    expect(ChangeKeyRules.fromConfig([], [jira]).filter(['CHG0030001', 'OPS-12'])).toEqual(['OPS-12']);
  });

  it('with nothing configured, takes every key but the look-alikes (commits still link to changes made through the API)', () => {
    const rules = ChangeKeyRules.fromConfig([], [github]);
    expect(rules.configured).toBe(false);
    expect(rules.extract(`CHG0030001 and OPS-12: ${LOOK_ALIKES}`)).toEqual(['CHG0030001', 'OPS-12']);
  });

  it('keeps the order of first appearance, once each, and ignores keys inside longer words', () => {
    const rules = new ChangeKeyRules(['OPS', 'CHG']);
    expect(rules.extract('OPS-2 then OPS-1', null, 'OPS-2', undefined, 'xOPS-3 OPS-4a OPS_5 ops-6 CHG12')).toEqual(['OPS-2', 'OPS-1']);
    expect(rules.filter(['OPS-9', 'WEB-1', 'OPS-9', 'not a key'])).toEqual(['OPS-9']);
  });

  it('filters the candidates the connector kit extracts', () => {
    const candidates = changeKeysIn(`CHG0030001: OPS-12 PAY_EU-7 ${LOOK_ALIKES}`);
    expect(candidates).toContain('SHA-256'); // the kit finds candidates; the rules decide
    expect(ChangeKeyRules.fromConfig([], [servicenow, jira]).filter(candidates)).toEqual(['CHG0030001', 'OPS-12', 'PAY_EU-7']);
  });
});
