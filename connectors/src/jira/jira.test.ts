import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceDataError, handleWebhook, type SourceIO, type SourceRequest } from '../kit/connector.js';
import { records } from '../kit/records.js';
import { convertJiraIssue, jira, type JiraConfig } from './jira.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const searchPage = JSON.parse(fixture('search-jql-page-with-bad-window.json').toString()) as { issues: unknown[] };
const [ops101, ops102, ops103, ops104] = searchPage.issues as [unknown, unknown, unknown, unknown];

const config: JiraConfig = jira.config.parse({
  id: 'jira',
  kind: 'jira',
  baseUrl: 'https://acme.atlassian.net/',
  email: 'releasegraph@acme.example',
  apiToken: 'ATATT3xFfGF0-example-token',
  projects: ['OPS'],
  since: '2026-11-20T10:00:00Z',
  webhookSecret: 'a-jira-webhook-secret',
  customFields: { windowStart: 'customfield_10050', windowEnd: 'customfield_10051', rollbackPlan: 'customfield_10052' },
});
const stream = jira.streams![0]!;

/** A SourceIO whose `http` records every request and answers with the next canned body. */
function fakeIO(bodies: unknown[], now = '2026-11-20T12:00:00Z'): SourceIO & { requests: SourceRequest[] } {
  const requests: SourceRequest[] = [];
  return {
    requests,
    http: async (request) => {
      requests.push(request);
      const body = bodies.shift();
      if (body instanceof Error) throw body;
      return { status: 200, headers: {}, body: JSON.stringify(body), json: () => body };
    },
    git: async () => '',
    workDir: '/tmp',
    now: () => new Date(now),
  };
}

const issue = (key: string, updated: string, status = 'In Progress') => ({
  id: key.replace(/\D/g, ''),
  key,
  fields: { summary: `change ${key}`, status: { name: status, statusCategory: { key: 'indeterminate' } }, updated, project: { key: 'OPS' } },
});

describe('Jira issue converter', () => {
  it('turns a change issue in progress into a change with a flattened ADF description and the configured window fields', () => {
    expect(convertJiraIssue('jira', ops101, config)).toEqual({
      change: {
        id: 'jira:change:OPS-101',
        key: 'OPS-101',
        source: 'jira',
        title: 'Roll out payments-api 2.4.0 (retry card authorisation)',
        description: 'Retries card authorisation once when the gateway times out.\n- Canary at 10% for 30 minutes\n- Then 100%, watched by @Dana Example',
        type: 'NORMAL',
        risk: 'HIGH',
        state: 'IMPLEMENT',
        rollbackPlan: "Run the pipeline's rollback job to payments-api 2.3.7.",
        windowStart: new Date('2026-11-24T08:00:00Z'),
        windowEnd: new Date('2026-11-24T09:00:00Z'),
        requestedBy: 'Dana Example',
        services: ['payments-api'],
        releaseVersion: '2.4.0',
        origin: { connector: 'jira', entity: 'issue', sourceId: '10042', originalStatus: 'In Progress' },
      },
      approval: null,
    });
  });

  it('gives an emergency change awaiting approval a requested approval from the CAB', () => {
    const { change, approval } = convertJiraIssue('jira', ops102, config);
    expect(change).toMatchObject({
      type: 'EMERGENCY',
      state: 'AUTHORIZE',
      risk: 'VERY_HIGH',
      description: null,
      services: ['payments-api', 'fraud-scoring'],
      releaseVersion: null,
    });
    expect(approval).toEqual({
      id: 'jira:approval:OPS-102',
      changeId: 'jira:change:OPS-102',
      approver: 'CAB',
      decision: 'REQUESTED',
      decidedAt: null,
      comment: null,
      origin: { connector: 'jira', entity: 'issue', sourceId: '10043', originalStatus: 'Awaiting Approval' },
    });
  });

  it('reads a standard change from its issue type, an empty ADF document as no description, and a "v" fix version as the release', () => {
    const { change, approval } = convertJiraIssue('jira', ops103, config);
    expect(change).toMatchObject({
      type: 'STANDARD',
      state: 'CLOSED',
      risk: 'LOW',
      description: null,
      releaseVersion: '2.3.9',
      windowStart: new Date('2026-11-21T06:00:00Z'),
    });
    expect(approval).toBeNull();
  });

  it('refuses an issue whose configured window field is no date, carrying the issue; without the field configured it converts', () => {
    const refusal = (() => {
      try {
        convertJiraIssue('jira', ops104, config);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(SourceDataError);
    expect((refusal as SourceDataError).message).toBe('OPS-104 customfield_10050 "next Tuesday morning" is not a date');
    expect((refusal as SourceDataError).payload).toBe(ops104);
    expect(convertJiraIssue('jira', ops104, {}).change).toMatchObject({ state: 'NEW', risk: 'MODERATE', windowStart: null, requestedBy: null });
    expect(() => convertJiraIssue('jira', { key: 'OPS-1', fields: {} }, config)).toThrow(SourceDataError);
  });

  it.each([
    ['To Do', 'NEW'],
    ['Open', 'NEW'],
    ['Backlog', 'NEW'],
    ['In Review', 'ASSESS'],
    ['Assess', 'ASSESS'],
    ['Awaiting Approval', 'AUTHORIZE'],
    ['Approval', 'AUTHORIZE'],
    ['Scheduled', 'SCHEDULED'],
    ['In Progress', 'IMPLEMENT'],
    ['Implementing', 'IMPLEMENT'],
    ['Done', 'CLOSED'],
    ['Closed', 'CLOSED'],
    ['Resolved', 'CLOSED'],
    ['Cancelled', 'CANCELLED'],
    ["Won't Do", 'CANCELLED'],
    ['Declined', 'CANCELLED'],
  ])('maps status %s to %s', (status, expected) => {
    expect(convertJiraIssue('jira', issue('OPS-9', '2026-11-20T10:00:00.000+0000', status)).change.state).toBe(expected);
  });

  it('maps unknown statuses by their category, lets statusMap override by name in any case, and refuses a status nothing maps', () => {
    const withCategory = (name: string, key: string) => ({
      ...issue('OPS-9', '2026-11-20T10:00:00.000+0000'),
      fields: { summary: 's', status: { name, statusCategory: { key } } },
    });
    expect(convertJiraIssue('jira', withCategory('Triage', 'new')).change.state).toBe('NEW');
    expect(convertJiraIssue('jira', withCategory('Canary', 'indeterminate')).change.state).toBe('IMPLEMENT');
    expect(convertJiraIssue('jira', withCategory('Shipped', 'done')).change.state).toBe('CLOSED');
    expect(convertJiraIssue('jira', withCategory('Ready for CAB', 'indeterminate'), { statusMap: { 'READY FOR CAB': 'AUTHORIZE' } })).toMatchObject({
      change: { state: 'AUTHORIZE', origin: { originalStatus: 'Ready for CAB' } },
      approval: { decision: 'REQUESTED' },
    });
    expect(() => convertJiraIssue('jira', withCategory('Limbo', 'undefined'))).toThrow(/Limbo.*statusMap/);
  });

  it('maps priorities to risk, and labels or issue types to the change type (emergency first)', () => {
    const withFields = (fields: object) => convertJiraIssue('jira', { key: 'OPS-9', fields: { summary: 's', status: { name: 'Open' }, ...fields } }).change;
    expect(['Highest', 'High', 'Medium', 'Low', 'Lowest', 'Trivial'].map((name) => withFields({ priority: { name } }).risk)).toEqual([
      'VERY_HIGH',
      'HIGH',
      'MODERATE',
      'LOW',
      'LOW',
      null,
    ]);
    expect(withFields({ labels: ['standard-change'] }).type).toBe('STANDARD');
    expect(withFields({ labels: ['standard-change'], issuetype: { name: 'Emergency Change' } }).type).toBe('EMERGENCY');
    expect(withFields({ issuetype: { name: 'Task' } }).type).toBe('NORMAL');
  });
});

describe('Jira issues stream', () => {
  it('searches the configured projects with a relative time bound from the cursor, oldest first, with Basic auth', async () => {
    const io = fakeIO([{ issues: [], isLast: true }]);
    await stream.read({ ...config, jql: 'issuetype in ("Change", "Standard Change")' }, null, io);
    const request = io.requests[0]!;
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe('https://acme.atlassian.net/rest/api/3/search/jql');
    // since 10:00, now 12:00: 120 minutes, plus the 2-minute look-back.
    expect(url.searchParams.get('jql')).toBe(
      'project in ("OPS") AND (issuetype in ("Change", "Standard Change")) AND updated >= "-122m" ORDER BY updated ASC, key ASC',
    );
    expect(url.searchParams.get('fields')).toBe(
      'summary,description,issuetype,labels,status,fixVersions,components,priority,reporter,updated,project,customfield_10050,customfield_10051,customfield_10052',
    );
    expect(url.searchParams.get('maxResults')).toBe('50');
    expect(url.searchParams.has('nextPageToken')).toBe(false);
    expect(request.headers).toEqual({
      Accept: 'application/json',
      Authorization: 'Basic ' + Buffer.from('releasegraph@acme.example:ATATT3xFfGF0-example-token').toString('base64'),
    });
  });

  it('writes the good issues of a page, reports the bad one in rejected, and reads past it', async () => {
    const page = await stream.read(config, null, fakeIO([searchPage]));
    expect(page.records.changes.map((c) => c.key)).toEqual(['OPS-101', 'OPS-102', 'OPS-103']);
    expect(page.records.approvals.map((a) => a.id)).toEqual(['jira:approval:OPS-102']);
    expect(page.rejected).toEqual([{ error: 'OPS-104 customfield_10050 "next Tuesday morning" is not a date', payload: ops104 }]);
    expect(JSON.parse(page.cursor!)).toEqual({ since: '2026-11-20T10:25:00.000Z', keys: ['OPS-104'] });
    expect(page.more).toBe(false);
    expect(page.newestAt).toEqual(new Date('2026-11-20T10:25:00Z'));
  });

  it('follows nextPageToken with the same JQL, then starts a new search that skips what it already read', async () => {
    const io = fakeIO([
      { issues: [issue('OPS-1', '2026-11-20T10:30:00.000+0000'), issue('OPS-2', '2026-11-20T10:31:00.000+0000')], nextPageToken: 'CAEaAggD', isLast: false },
      { issues: [issue('OPS-3', '2026-11-20T10:31:00.000+0000')], isLast: true },
    ]);
    const first = await stream.read(config, null, io);
    expect(first.more).toBe(true);
    const second = await stream.read(config, first.cursor, io);
    expect(second.more).toBe(false);
    const [url1, url2] = io.requests.map((r) => new URL(r.url));
    expect(url2!.searchParams.get('nextPageToken')).toBe('CAEaAggD');
    expect(url2!.searchParams.get('jql')).toBe(url1!.searchParams.get('jql'));
    expect(JSON.parse(second.cursor!)).toEqual({ since: '2026-11-20T10:31:00.000Z', keys: ['OPS-2', 'OPS-3'] });

    // The next poll's search reads back over the last minutes: OPS-2 and OPS-3 again, unchanged, and OPS-1 updated since.
    const later = fakeIO(
      [
        {
          issues: [
            issue('OPS-2', '2026-11-20T10:31:00.000+0000'),
            issue('OPS-3', '2026-11-20T10:31:00.000+0000'),
            issue('OPS-1', '2026-11-20T10:40:00.000+0000'),
          ],
        },
      ],
      '2026-11-20T10:45:30Z',
    );
    const third = await stream.read(config, second.cursor, later);
    expect(new URL(later.requests[0]!.url).searchParams.get('jql')).toBe('project in ("OPS") AND updated >= "-17m" ORDER BY updated ASC, key ASC');
    expect(third.records.changes.map((c) => c.key)).toEqual(['OPS-1']);
    expect(third.more).toBe(false);
    expect(first.records.changes.map((c) => c.key).concat(second.records.changes.map((c) => c.key))).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
  });

  it('replays a dead-lettered issue through the converter', () => {
    const { change, approval } = convertJiraIssue('jira', ops102, config);
    expect(jira.replay!(config, 'issues', ops102)).toEqual(records({ changes: [change], approvals: [approval!] }));
    expect(() => jira.replay!(config, 'issues', ops104)).toThrow(SourceDataError);
    expect(() => jira.replay!(config, 'sprints', ops102)).toThrow(/no stream/);
  });
});

describe('Jira webhook', () => {
  const created = fixture('webhook-issue-created.json');
  const approved = fixture('webhook-issue-updated-approved.json');
  const sign = (body: Buffer, secret = config.webhookSecret!) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
  const deliver = (body: Buffer, headers: Record<string, string | undefined>, cfg = config) => handleWebhook(jira.webhook!, cfg, { rawBody: body, headers });

  it('turns a signed jira:issue_created into a change, reading the v2 plain-text fields', () => {
    const outcome = deliver(created, { 'x-hub-signature': sign(created), 'x-atlassian-webhook-identifier': '58ea1a57-2f1b-4a4e-9d8c-5cb26d11b3a1' });
    expect(outcome).toMatchObject({ kind: 'records', deliveryId: '58ea1a57-2f1b-4a4e-9d8c-5cb26d11b3a1', event: 'jira:issue_created' });
    if (outcome.kind !== 'records') return;
    expect(outcome.records.changes).toEqual([
      {
        id: 'jira:change:OPS-105',
        key: 'OPS-105',
        source: 'jira',
        title: 'Move ledger-db to faster storage',
        description: 'Move ledger-db to the new storage class.\n\nNo downtime expected.',
        type: 'NORMAL',
        risk: 'MODERATE',
        state: 'NEW',
        rollbackPlan: 'Switch the volume back to the old storage class.',
        windowStart: new Date('2026-11-25T22:00:00Z'),
        windowEnd: new Date('2026-11-25T23:00:00Z'),
        requestedBy: 'Dana Example',
        services: ['ledger'],
        releaseVersion: '2.5.0',
        origin: { connector: 'jira', entity: 'issue', sourceId: '10046', originalStatus: 'To Do' },
      },
    ]);
    expect(outcome.records.approvals).toEqual([]);
  });

  it('records the approval when jira:issue_updated moves a change to Approved', () => {
    const outcome = deliver(approved, { 'x-hub-signature': sign(approved), 'x-atlassian-webhook-identifier': 'b0a1c2d3-0000-4000-8000-000000000001' });
    expect(outcome).toMatchObject({
      kind: 'records',
      event: 'jira:issue_updated',
      records: { changes: [{ key: 'OPS-102', state: 'SCHEDULED' }], approvals: [{ id: 'jira:approval:OPS-102', decision: 'APPROVED' }] },
    });
  });

  it('refuses a wrong, missing or tampered signature, and any webhook without a configured secret, before parsing', () => {
    expect(deliver(created, { 'x-hub-signature': sign(created, 'another-secret') }).kind).toBe('unauthorized');
    expect(deliver(created, {}).kind).toBe('unauthorized');
    expect(deliver(created, { 'x-hub-signature': sign(created).replace('sha256=', 'sha1=') }).kind).toBe('unauthorized');
    const tampered = Buffer.from(created.toString().replace('faster storage', 'slower storage'));
    expect(deliver(tampered, { 'x-hub-signature': sign(created) }).kind).toBe('unauthorized');
    expect(deliver(Buffer.from('{not json'), {}).kind).toBe('unauthorized');
    expect(deliver(created, { 'x-hub-signature': sign(created) }, { ...config, webhookSecret: undefined })).toEqual({
      kind: 'unauthorized',
      reason: 'this connector has no webhookSecret, so it cannot verify webhooks',
    });
  });

  it('uses a stable content hash as the delivery id when Jira sent no identifier', () => {
    const first = deliver(created, { 'x-hub-signature': sign(created) });
    const again = deliver(created, { 'x-hub-signature': sign(created) });
    const other = deliver(approved, { 'x-hub-signature': sign(approved) });
    const idOf = (o: typeof first) => (o.kind === 'records' || o.kind === 'ignored' ? o.deliveryId : null);
    expect(idOf(first)).toBe('sha256:' + crypto.createHash('sha256').update(created).digest('hex'));
    expect(idOf(again)).toBe(idOf(first));
    expect(idOf(other)).not.toBe(idOf(first));
  });

  it('ignores deletions, other events and other projects; calls signed garbage malformed', () => {
    const signed = (body: object) => {
      const raw = Buffer.from(JSON.stringify(body));
      return deliver(raw, { 'x-hub-signature': sign(raw), 'x-atlassian-webhook-identifier': 'd-1' });
    };
    const createdBody = JSON.parse(created.toString()) as { issue: { fields: { project: { key: string } } } };
    expect(signed({ ...createdBody, webhookEvent: 'jira:issue_deleted' })).toEqual({
      kind: 'ignored',
      deliveryId: 'd-1',
      reason: 'event jira:issue_deleted is not handled',
    });
    expect(signed({ timestamp: 1, webhookEvent: 'comment_created', comment: { id: '1' } }).kind).toBe('ignored');
    const elsewhere = structuredClone(createdBody);
    elsewhere.issue.fields.project.key = 'HR';
    expect(signed(elsewhere)).toMatchObject({ kind: 'ignored', reason: "project HR is not one of this connector's projects" });
    const notJson = Buffer.from('{not json');
    expect(deliver(notJson, { 'x-hub-signature': sign(notJson) }).kind).toBe('malformed');
    expect(signed({ webhookEvent: 'jira:issue_updated', issue: { key: 'OPS-1' } }).kind).toBe('malformed');
  });
});

describe('Jira config and check', () => {
  it('marks the credentials and the webhook secret secret, and refuses a JQL with its own ORDER BY', () => {
    expect(jira.secrets).toEqual(['email', 'apiToken', 'webhookSecret']);
    expect(config).toMatchObject({ baseUrl: 'https://acme.atlassian.net', pageSize: 50, pollInterval: 60_000 });
    expect(jira.config.safeParse({ ...config, jql: 'labels = change ORDER BY created' }).success).toBe(false);
    expect(jira.config.safeParse({ ...config, projects: ['ops'] }).success).toBe(false);
  });

  it('says the credentials were refused on 401/403 and is content with /myself', async () => {
    expect(await jira.check!(config, fakeIO([{ accountId: '5b10a2844c20165700ede21g', displayName: 'Release Graph' }]))).toBeNull();
    expect(await jira.check!(config, fakeIO([Object.assign(new Error('Unauthorized'), { status: 401 })]))).toBe(
      'Jira credentials refused (HTTP 401): check email and apiToken',
    );
    expect(await jira.check!(config, fakeIO([new Error('connect ECONNREFUSED')]))).toBe(
      'cannot reach Jira at https://acme.atlassian.net: connect ECONNREFUSED',
    );
    const io = fakeIO([{ accountId: 'x' }]);
    await jira.check!(config, io);
    expect(io.requests[0]!.url).toBe('https://acme.atlassian.net/rest/api/3/myself');
  });
});
