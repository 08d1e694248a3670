import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A change_request row as the Table API returns it (sysparm_display_value=false). */
export type ChangeRequestRow = Record<string, string>;

/**
 * A small ServiceNow Table API for change_request: Basic auth, `sys_updated_on>=` queries ordered by
 * (sys_updated_on, sys_id), sysparm_limit/offset, and faults injected on demand.
 */
export class FakeServiceNow {
  readonly rows: ChangeRequestRow[] = [];
  /** Every request that reached the table, with when it arrived. */
  readonly requests: Array<{ at: number; query: string; status: number }> = [];
  /** Scripted answers for the next requests: a fault, or null to answer normally. */
  private faults: Array<{ status: number; headers?: Record<string, string> } | null> = [];
  private server!: http.Server;
  url = '';

  constructor(
    private readonly user = 'releasegraph',
    private readonly password = 'sn-password',
  ) {}

  /** `count` requests fail with this status (and headers), after `after` normal answers. */
  fail(count: number, status: number, options: { headers?: Record<string, string>; after?: number } = {}): void {
    for (let i = 0; i < (options.after ?? 0); i++) this.faults.push(null);
    for (let i = 0; i < count; i++) this.faults.push({ status, headers: options.headers });
  }

  healthy(): void {
    this.faults = [];
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ at: Date.now(), query: url.searchParams.get('sysparm_query') ?? '', status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    const expected = 'Basic ' + Buffer.from(`${this.user}:${this.password}`).toString('base64');
    if (req.headers.authorization !== expected) return reply(401, { error: { message: 'User Not Authenticated' } });
    if (url.pathname !== '/api/now/table/change_request') return reply(404, { error: { message: 'No such table' } });
    const fault = this.faults.shift();
    if (fault) return reply(fault.status, { error: { message: 'injected fault' } }, fault.headers);
    const since = /sys_updated_on>=([^^]+)/.exec(url.searchParams.get('sysparm_query') ?? '')?.[1] ?? '';
    const limit = Number(url.searchParams.get('sysparm_limit') ?? 10_000);
    const offset = Number(url.searchParams.get('sysparm_offset') ?? 0);
    const result = this.rows
      .filter((r) => r.sys_updated_on! >= since)
      .sort((a, b) => a.sys_updated_on!.localeCompare(b.sys_updated_on!) || a.sys_id!.localeCompare(b.sys_id!))
      .slice(offset, offset + limit);
    reply(200, { result });
  }
}

/** A normal change request row in the Table API's format. */
export function changeRequest(number: string, updatedOn: string, overrides: Record<string, string> = {}): ChangeRequestRow {
  return {
    sys_id: `sys-${number.toLowerCase()}`,
    number,
    sys_updated_on: updatedOn,
    short_description: `Change ${number}`,
    description: 'Roll out the new payments API',
    type: 'normal',
    state: '-2',
    risk: '3',
    approval: 'approved',
    cab_required: 'true',
    cab_date: '2026-11-25',
    'cab_delegate.name': 'Ada Lovelace',
    start_date: '2026-11-27 08:00:00',
    end_date: '2026-11-27 10:00:00',
    backout_plan: 'Redeploy the previous image',
    'cmdb_ci.name': 'payments',
    'requested_by.name': 'Dana Scully',
    ...overrides,
  };
}
