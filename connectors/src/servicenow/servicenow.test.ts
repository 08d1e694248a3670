import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceDataError, type SourceIO, type SourceRequest, type StreamPage } from '../kit/connector.js';
import { records } from '../kit/records.js';
import { convertChangeRequest, servicenow, type ServicenowConfig } from './servicenow.js';

const page = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'change-request-page-with-bad-date.json'), 'utf8')) as {
  result: Array<Record<string, string>>;
};
const [normalRow, standardRow, emergencyRow, badDateRow] = page.result as [
  Record<string, string>,
  Record<string, string>,
  Record<string, string>,
  Record<string, string>,
];

const config: ServicenowConfig = servicenow.config.parse({
  id: 'snow',
  kind: 'servicenow',
  baseUrl: 'https://acme.service-now.com/',
  username: 'releasegraph.integration',
  password: 'correct horse battery staple',
  since: '2026-11-20T00:00:00Z',
});
const stream = servicenow.streams![0]!;

const answer = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body), json: () => body });

/** A SourceIO whose `http` records every request and answers from `respond`. */
function fakeIO(respond: (request: SourceRequest) => unknown): SourceIO & { requests: SourceRequest[] } {
  const requests: SourceRequest[] = [];
  return {
    requests,
    http: async (request) => {
      requests.push(request);
      const body = respond(request);
      if (body instanceof Error) throw body;
      return answer(body);
    },
    git: async () => '',
    workDir: '/tmp',
    now: () => new Date('2026-11-20T12:00:00Z'),
  };
}

/**
 * A change_request table behind a fake Table API that honours what the stream sends: the
 * `sys_updated_on>=` bound, ORDERBYsys_updated_on^ORDERBYsys_id, sysparm_offset and sysparm_limit.
 */
function fakeTable(rows: Array<Record<string, string>>) {
  return fakeIO((request) => {
    const url = new URL(request.url);
    const from = /sys_updated_on>=([^^]+)/.exec(url.searchParams.get('sysparm_query') ?? '')?.[1] ?? '';
    const offset = Number(url.searchParams.get('sysparm_offset') ?? 0);
    const limit = Number(url.searchParams.get('sysparm_limit'));
    const ordered = rows
      .filter((r) => r.sys_updated_on! >= from)
      .sort((a, b) => a.sys_updated_on!.localeCompare(b.sys_updated_on!) || a.sys_id!.localeCompare(b.sys_id!));
    return { result: ordered.slice(offset, offset + limit) };
  });
}

const row = (sysId: string, number: string, updatedOn: string) => ({
  sys_id: sysId,
  number,
  sys_updated_on: updatedOn,
  short_description: `change ${number}`,
  type: 'normal',
  state: '-5',
  approval: 'not requested',
});

/** Reads the stream from the start until it has nothing more right away, like the server does. */
async function readAll(cfg: ServicenowConfig, io: SourceIO) {
  const pages: StreamPage[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const p = await stream.read(cfg, cursor, io);
    pages.push(p);
    cursor = p.cursor;
    if (!p.more) break;
  }
  return { pages, keys: pages.flatMap((p) => p.records.changes.map((c) => c.key)), cursor };
}

describe('ServiceNow change_request converter', () => {
  it('turns a normal change in Implement with a CAB approval into a change and an approval', () => {
    expect(convertChangeRequest('snow', normalRow)).toEqual({
      change: {
        id: 'snow:change:CHG0030001',
        key: 'CHG0030001',
        source: 'servicenow',
        title: 'Retry card authorisation on gateway timeout',
        description: 'Deploy payments-api 2.4.0, which retries card authorisation once when the gateway times out.',
        type: 'NORMAL',
        risk: 'MODERATE',
        state: 'IMPLEMENT',
        rollbackPlan: "Redeploy payments-api 2.3.7 with the pipeline's rollback job.",
        windowStart: new Date('2026-11-20T09:00:00Z'),
        windowEnd: new Date('2026-11-20T11:00:00Z'),
        requestedBy: 'Dana Example',
        services: ['payments-api'],
        releaseVersion: null,
        origin: { connector: 'snow', entity: 'change_request', sourceId: 'c83c5e5347c12200e0ef563dbb9a7190', originalStatus: '-1' },
      },
      approval: {
        id: 'snow:approval:CHG0030001',
        changeId: 'snow:change:CHG0030001',
        approver: 'Priya Raman',
        decision: 'APPROVED',
        decidedAt: new Date('2026-11-19T00:00:00Z'),
        comment: 'CAB review required (CAB date 2026-11-19)',
        origin: { connector: 'snow', entity: 'change_request', sourceId: 'c83c5e5347c12200e0ef563dbb9a7190', originalStatus: 'approved' },
      },
    });
  });

  it('gives a standard change no approval record when none was requested, and empty texts as null', () => {
    const { change, approval } = convertChangeRequest('snow', standardRow);
    expect(change).toMatchObject({
      key: 'CHG0030002',
      type: 'STANDARD',
      state: 'SCHEDULED',
      risk: 'LOW',
      description: null,
      rollbackPlan: null,
      services: ['checkout-web'],
    });
    expect(approval).toBeNull();
  });

  it('gives an emergency change awaiting authorisation a requested approval from the CAB, undecided', () => {
    const { change, approval } = convertChangeRequest('snow', emergencyRow);
    expect(change).toMatchObject({ type: 'EMERGENCY', state: 'AUTHORIZE', risk: 'VERY_HIGH' });
    expect(approval).toMatchObject({ approver: 'CAB', decision: 'REQUESTED', decidedAt: null, comment: 'CAB review required (CAB date 2026-11-20)' });
  });

  it.each([
    ['-5', 'NEW'],
    ['-4', 'ASSESS'],
    ['-3', 'AUTHORIZE'],
    ['-2', 'SCHEDULED'],
    ['-1', 'IMPLEMENT'],
    ['0', 'REVIEW'],
    ['3', 'CLOSED'],
    ['4', 'CANCELLED'],
  ])('maps state %s to %s and keeps the original value', (state, expected) => {
    const { change } = convertChangeRequest('snow', { ...normalRow, state });
    expect(change.state).toBe(expected);
    expect(change.origin.originalStatus).toBe(state);
  });

  it('maps risk 1-4 to very high..low and a missing risk to null; type case-insensitively, unknown models to normal', () => {
    const risks = ['1', '2', '3', '4', ''].map((risk) => convertChangeRequest('snow', { ...normalRow, risk }).change.risk);
    expect(risks).toEqual(['VERY_HIGH', 'HIGH', 'MODERATE', 'LOW', null]);
    const types = ['Standard', 'EMERGENCY', 'normal', 'expedited'].map((type) => convertChangeRequest('snow', { ...normalRow, type }).change.type);
    expect(types).toEqual(['STANDARD', 'EMERGENCY', 'NORMAL', 'NORMAL']);
  });

  it('maps approval requested/approved/rejected to decisions and gives no record for the decision-less values', () => {
    const decisions = ['requested', 'approved', 'rejected', 'not requested', 'not_required', 'cancelled', ''].map(
      (approval) => convertChangeRequest('snow', { ...normalRow, approval }).approval?.decision ?? null,
    );
    expect(decisions).toEqual(['REQUESTED', 'APPROVED', 'REJECTED', null, null, null, null]);
  });

  it('reads references given as {display_value, value} objects (sysparm_display_value=all) by their display names', () => {
    const { change, approval } = convertChangeRequest('snow', {
      sys_id: 'c83c5e5347c12200e0ef563dbb9a7190',
      number: { value: 'CHG0030001', display_value: 'CHG0030001' },
      state: { value: '3', display_value: 'Closed' },
      start_date: { value: '2026-11-20 09:00:00', display_value: '20/11/2026 10:00:00' },
      cmdb_ci: { value: '3a27f1520a0a0bb400ecd6ff7afcf036', display_value: 'payments-api' },
      requested_by: { value: '62826bf03710200044e0bfc8bcbe5df1', display_value: 'Dana Example' },
      approval: { value: 'rejected', display_value: 'Rejected' },
    });
    expect(change).toMatchObject({ state: 'CLOSED', windowStart: new Date('2026-11-20T09:00:00Z'), services: ['payments-api'], requestedBy: 'Dana Example' });
    expect(approval).toMatchObject({ approver: 'CAB', decision: 'REJECTED', comment: null });
  });

  it('refuses a row with an unparseable date, no number or an unknown state, carrying the row for the dead letters', () => {
    const refusal = (r: unknown) => {
      try {
        convertChangeRequest('snow', r);
      } catch (err) {
        return err;
      }
      return null;
    };
    const badDate = refusal(badDateRow);
    expect(badDate).toBeInstanceOf(SourceDataError);
    expect((badDate as SourceDataError).message).toMatch(/start_date "2026-11-31 25:00:00"/);
    expect((badDate as SourceDataError).payload).toBe(badDateRow);
    expect(refusal({ ...normalRow, number: '' })).toBeInstanceOf(SourceDataError);
    expect(refusal({ ...normalRow, end_date: '2026-02-30 10:00:00' })).toBeInstanceOf(SourceDataError);
    expect(refusal({ ...normalRow, state: '-6' })).toBeInstanceOf(SourceDataError);
    expect(refusal('not a row')).toBeInstanceOf(SourceDataError);
  });

  it('lets a configured stateMap name custom states', () => {
    expect(convertChangeRequest('snow', { ...normalRow, state: '-6' }, { '-6': 'ASSESS' }).change.state).toBe('ASSESS');
  });
});

describe('ServiceNow change_request stream', () => {
  it('asks the Table API for rows updated since the configured start, oldest first, with Basic auth', async () => {
    const io = fakeIO(() => ({ result: [] }));
    await stream.read({ ...config, query: 'assignment_group.name=Payments' }, null, io);
    const request = io.requests[0]!;
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe('https://acme.service-now.com/api/now/table/change_request');
    expect(url.searchParams.get('sysparm_query')).toBe(
      'sys_updated_on>=2026-11-20 00:00:00^assignment_group.name=Payments^ORDERBYsys_updated_on^ORDERBYsys_id',
    );
    expect(url.searchParams.get('sysparm_limit')).toBe('100');
    expect(url.searchParams.get('sysparm_display_value')).toBe('false');
    expect(url.searchParams.get('sysparm_exclude_reference_link')).toBe('true');
    expect(url.searchParams.get('sysparm_fields')).toContain('cmdb_ci.name');
    expect(request.url).not.toContain('+');
    expect(request.headers).toEqual({
      Accept: 'application/json',
      Authorization: 'Basic ' + Buffer.from('releasegraph.integration:correct horse battery staple').toString('base64'),
    });
  });

  it('writes the good rows of a page, reports the bad one in rejected, and reads past it', async () => {
    const io = fakeIO(() => page);
    const result = await stream.read(config, null, io);
    expect(result.records.changes.map((c) => c.key)).toEqual(['CHG0030001', 'CHG0030002', 'CHG0030003']);
    expect(result.records.approvals.map((a) => [a.id, a.decision])).toEqual([
      ['snow:approval:CHG0030001', 'APPROVED'],
      ['snow:approval:CHG0030003', 'REQUESTED'],
    ]);
    expect(result.rejected).toEqual([{ error: expect.stringMatching(/start_date/), payload: badDateRow }]);
    expect(JSON.parse(result.cursor!)).toEqual({ updatedOn: '2026-11-20 10:05:00', ids: ['f9b3d0162f9d3110b4b3a9f7ab99b6e9'] });
    expect(result.more).toBe(false);
    expect(result.newestAt).toEqual(new Date('2026-11-20T10:05:00Z'));
  });

  it('loses and repeats no row when two rows share a sys_updated_on across a page boundary', async () => {
    const table = [
      row('a0', 'CHG0040001', '2026-11-20 10:00:00'),
      row('b0', 'CHG0040002', '2026-11-20 10:00:01'),
      row('c0', 'CHG0040003', '2026-11-20 10:00:01'),
      row('d0', 'CHG0040004', '2026-11-20 10:00:02'),
    ];
    const io = fakeTable(table);
    const { pages, keys, cursor } = await readAll({ ...config, pageSize: 2 }, io);
    expect(keys).toEqual(['CHG0040001', 'CHG0040002', 'CHG0040003', 'CHG0040004']);
    expect(pages[0]!.more).toBe(true);
    expect(JSON.parse(pages[0]!.cursor!)).toEqual({ updatedOn: '2026-11-20 10:00:01', ids: ['b0'] });
    expect(JSON.parse(cursor!)).toEqual({ updatedOn: '2026-11-20 10:00:02', ids: ['d0'] });

    // The next poll finds nothing new; a row updated later comes through once.
    expect((await stream.read({ ...config, pageSize: 2 }, cursor, io)).records.changes).toEqual([]);
    table.push(row('a0', 'CHG0040001', '2026-11-20 10:07:00'));
    table.shift();
    expect((await readAll({ ...config, pageSize: 2 }, io)).keys.filter((k) => k === 'CHG0040001')).toHaveLength(1);
  });

  it('gets through a burst of more rows than a page in one second, each once', async () => {
    const burst = ['e1', 'e2', 'e3', 'e4', 'e5'].map((id, i) => row(id, `CHG005000${i}`, '2026-11-20 11:00:00'));
    const io = fakeTable([...burst, row('f1', 'CHG0050009', '2026-11-20 11:00:01')]);
    const { keys } = await readAll({ ...config, pageSize: 2 }, io);
    expect(keys).toEqual(['CHG0050000', 'CHG0050001', 'CHG0050002', 'CHG0050003', 'CHG0050004', 'CHG0050009']);
    expect(io.requests.some((r) => new URL(r.url).searchParams.has('sysparm_offset'))).toBe(true);
  });

  it('fails the poll (not a dead letter) when the page is not a Table API response', async () => {
    const hibernating = '<html><body>Your instance is hibernating</body></html>';
    const notJson = () => {
      throw new SourceDataError('the body is not JSON', hibernating);
    };
    const io: SourceIO = { ...fakeIO(() => null), http: async () => ({ status: 200, headers: {}, body: hibernating, json: notJson }) };
    const failure = await stream.read(config, null, io).catch((err: unknown) => err);
    expect(failure).not.toBeInstanceOf(SourceDataError);
    expect(String(failure)).toMatch(/not JSON \(a hibernating instance or a login page\?\)/);
    await expect(
      stream.read(
        config,
        null,
        fakeIO(() => ({ error: { message: 'x' } })),
      ),
    ).rejects.toThrow(/not a Table API response/);
  });

  it('replays a dead-lettered row through the converter', () => {
    expect(servicenow.replay!(config, 'change_request', emergencyRow)).toEqual(records(convertToLists(emergencyRow)));
    expect(() => servicenow.replay!(config, 'change_request', badDateRow)).toThrow(SourceDataError);
    expect(() => servicenow.replay!(config, 'problem', emergencyRow)).toThrow(/no stream/);
  });
});

function convertToLists(r: unknown) {
  const { change, approval } = convertChangeRequest('snow', r);
  return { changes: [change], approvals: approval ? [approval] : [] };
}

describe('ServiceNow config and check', () => {
  it('parses a config with defaults, marks both credentials secret, and refuses a query that escapes the time bound', () => {
    expect(config).toMatchObject({ baseUrl: 'https://acme.service-now.com', pageSize: 100, pollInterval: 60_000 });
    expect(servicenow.secrets).toEqual(['username', 'password']);
    const withQuery = (query: string) => servicenow.config.safeParse({ ...config, query }).success;
    expect(withQuery('active=true^ORpriority=1')).toBe(true);
    expect(withQuery('active=true^NQactive=false')).toBe(false);
    expect(withQuery('ORDERBYDESCnumber')).toBe(false);
  });

  it('says the credentials were refused on 401/403 and explains other failures', async () => {
    const check = (respond: (r: SourceRequest) => unknown) => servicenow.check!(config, fakeIO(respond));
    expect(await check(() => ({ result: [] }))).toBeNull();
    expect(await check(() => Object.assign(new Error('GET change_request answered 401 Unauthorized'), { status: 401 }))).toMatch(
      /credentials refused \(HTTP 401\)/,
    );
    expect(await check(() => new Error('HTTP 403 Forbidden'))).toMatch(/credentials refused \(HTTP 403\)/);
    expect(await check(() => new Error('HTTP 404 Not Found'))).toMatch(/not found.*baseUrl/);
    expect(await check(() => new Error('getaddrinfo ENOTFOUND acme.service-now.com'))).toBe(
      'cannot read change requests from https://acme.service-now.com: getaddrinfo ENOTFOUND acme.service-now.com',
    );
    expect(await check(() => ({ hibernating: true }))).toMatch(/not with a Table API response/);
    const asked = fakeIO(() => ({ result: [] }));
    await servicenow.check!(config, asked);
    expect(asked.requests[0]!.url).toBe('https://acme.service-now.com/api/now/table/change_request?sysparm_limit=1');
  });
});

describe('ServiceNow incidents', () => {
  const incidents = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'incident-page.json'), 'utf8')) as { result: unknown[] };
  const incidentStream = servicenow.streams!.find((s) => s.name === 'incident')!;

  it('turns incident rows into incidents: state, priority, service, link; a row in an unknown state is rejected', async () => {
    const withIncidents = servicenow.config.parse({ ...config, incidents: true, incidentQuery: 'assignment_group.name=Payments' });
    const io = fakeIO(() => incidents);
    const page = await incidentStream.read(withIncidents, null, io);
    expect(io.requests[0]!.url).toMatch(
      /\/api\/now\/table\/incident\?sysparm_query=sys_updated_on%3E%3D2026-11-20%2000%3A00%3A00%5Eassignment_group\.name%3DPayments%5EORDERBYsys_updated_on/,
    );
    expect(page.records.incidents).toEqual([
      {
        id: 'snow:incident:INC0010042',
        key: 'INC0010042',
        source: 'servicenow',
        title: 'Card payments time out at checkout',
        severity: 'SEV1',
        status: 'ACKNOWLEDGED',
        openedAt: new Date('2026-11-20T09:58:40Z'),
        resolvedAt: null,
        services: ['payments-api'],
        url: 'https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=9d385017c611228701d22104cc95c371',
        origin: { connector: 'snow', entity: 'incident', sourceId: '9d385017c611228701d22104cc95c371', originalStatus: '2' },
      },
      expect.objectContaining({ key: 'INC0010043', status: 'RESOLVED', severity: 'SEV3', resolvedAt: new Date('2026-11-20T11:39:12Z'), services: [] }),
    ]);
    expect(page.rejected).toEqual([{ error: expect.stringMatching(/INC0010044 has state "42"/), payload: incidents.result[2] }]);
    expect(JSON.parse(page.cursor!)).toEqual({ updatedOn: '2026-11-20 11:45:00', ids: ['b2f46b5f2f9d3110b4b3a9f7ab99b7d3'] });
  });

  it('does not ask the source for incidents unless configured', async () => {
    const io = fakeIO(() => incidents);
    const page = await incidentStream.read(config, null, io);
    expect(io.requests).toEqual([]);
    expect(page).toMatchObject({ more: false, records: records({}) });
  });
});
