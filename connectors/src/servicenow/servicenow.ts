import { z } from 'zod';
import { connectorId, pollingFields, secret } from '../kit/config.js';
import { type ConnectorKind, SourceDataError, type SourceIO, type StreamPage } from '../kit/connector.js';
import { basicAuth, httpStatusOf, parseJsonBody } from '../kit/http.js';
import { recordId } from '../kit/ids.js';
import {
  type ApprovalDecision,
  type ApprovalRecord,
  type ChangeRecord,
  type ChangeRisk,
  type ChangeState,
  type ChangeType,
  type DomainRecords,
  type IncidentRecord,
  type IncidentSeverity,
  type IncidentStatus,
  records,
} from '../kit/records.js';

const CHANGE_STATES = ['NEW', 'ASSESS', 'AUTHORIZE', 'SCHEDULED', 'IMPLEMENT', 'REVIEW', 'CLOSED', 'CANCELLED'] as const satisfies readonly ChangeState[];

/** A ServiceNow date/time as the Table API gives it with `sysparm_display_value=false`: UTC, no zone suffix. */
const SN_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const SN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const servicenowConfig = z.object({
  id: connectorId,
  kind: z.literal('servicenow'),
  /** The instance, e.g. `https://acme.service-now.com`. */
  baseUrl: z.url().transform((url) => url.replace(/\/+$/, '')),
  username: secret,
  password: secret,
  ...pollingFields,
  /** An extra encoded query ANDed to the poll (e.g. `assignment_group.name=Payments`). */
  query: z
    .string()
    .min(1)
    .refine((q) => !/\^NQ|ORDERBY/i.test(q), 'must not contain ^NQ or ORDERBY (the poll adds its own order and time bound)')
    .optional(),
  /** Where the first poll starts (ISO 8601); without it the first poll reads every change request. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Rows per Table API request. */
  pageSize: z.number().int().min(1).max(10_000).default(100),
  /** Extra or overriding `state` values (instances with custom states), e.g. `{ "-6": "ASSESS" }`. */
  stateMap: z.record(z.string(), z.enum(CHANGE_STATES)).optional(),
  /** Also poll the `incident` table: ITSM incidents become incidents (with this extra encoded query, if any). */
  incidents: z.boolean().default(false),
  incidentQuery: z
    .string()
    .min(1)
    .refine((q) => !/\^NQ|ORDERBY/i.test(q), 'must not contain ^NQ or ORDERBY (the poll adds its own order and time bound)')
    .optional(),
});
export type ServicenowConfig = z.infer<typeof servicenowConfig>;

/** The change model's `state` values (ServiceNow "State model and transitions"). */
const DEFAULT_STATES: Readonly<Record<string, ChangeState>> = {
  '-5': 'NEW',
  '-4': 'ASSESS',
  '-3': 'AUTHORIZE',
  '-2': 'SCHEDULED',
  '-1': 'IMPLEMENT',
  '0': 'REVIEW',
  '3': 'CLOSED',
  '4': 'CANCELLED',
};

/** `change_request.risk` choices: 1 Very High, 2 High, 3 Moderate, 4 Low (anything else, e.g. empty: unknown). */
const RISKS: Readonly<Record<string, ChangeRisk>> = { '1': 'VERY_HIGH', '2': 'HIGH', '3': 'MODERATE', '4': 'LOW' };

const TYPES: Readonly<Record<string, ChangeType>> = { standard: 'STANDARD', normal: 'NORMAL', emergency: 'EMERGENCY' };

/** `task.approval` values that carry a decision; `not requested`, `not_required`, `cancelled`, `duplicate` carry none. */
const DECISIONS: Readonly<Record<string, ApprovalDecision>> = { requested: 'REQUESTED', approved: 'APPROVED', rejected: 'REJECTED' };

/**
 * The fields a poll asks for. Dot-walked `.name` fields give the display names of references (a CI, a user),
 * which `sysparm_display_value=false` would otherwise leave as bare sys_ids.
 */
const POLLED_FIELDS = [
  'sys_id',
  'number',
  'sys_updated_on',
  'short_description',
  'description',
  'type',
  'state',
  'risk',
  'approval',
  'cab_required',
  'cab_date',
  'cab_delegate',
  'cab_delegate.name',
  'start_date',
  'end_date',
  'backout_plan',
  'cmdb_ci',
  'cmdb_ci.name',
  'requested_by',
  'requested_by.name',
];

/**
 * A Table API field: a plain string (`sysparm_display_value=false`), or `{ value, display_value }` /
 * `{ value, link }` when the instance or a caller asks for display values or reference links.
 */
const tableField = z.union([z.string(), z.boolean(), z.object({ value: z.string().optional(), display_value: z.string().optional() }), z.null()]).optional();
type TableField = z.infer<typeof tableField>;

const changeRequestRow = z.object({
  sys_id: z.string().min(1),
  number: tableField,
  sys_updated_on: tableField,
  short_description: tableField,
  description: tableField,
  type: tableField,
  state: tableField,
  risk: tableField,
  approval: tableField,
  cab_required: tableField,
  cab_date: tableField,
  cab_delegate: tableField,
  'cab_delegate.name': tableField,
  start_date: tableField,
  end_date: tableField,
  backout_plan: tableField,
  cmdb_ci: tableField,
  'cmdb_ci.name': tableField,
  requested_by: tableField,
  'requested_by.name': tableField,
});

/** The stored value of a field ('' counts as absent). */
function valueOf(field: TableField): string | null {
  if (field === null || field === undefined) return null;
  if (typeof field === 'boolean') return String(field);
  const text = typeof field === 'string' ? field : (field.value ?? '');
  return text.trim() === '' ? null : text;
}

/** A reference's display name: the dot-walked name, else `display_value`, else the stored value. */
function displayOf(field: TableField, dotWalkedName: TableField): string | null {
  const name = valueOf(dotWalkedName);
  if (name) return name;
  if (field && typeof field === 'object' && field.display_value?.trim()) return field.display_value;
  return valueOf(field);
}

/** Parses `YYYY-MM-DD HH:mm:ss` (UTC) or `YYYY-MM-DD`; throws SourceDataError on anything else. */
function parseServicenowTime(field: TableField, name: string, row: unknown, table = 'change_request'): Date | null {
  const text = valueOf(field);
  if (text === null) return null;
  const m = SN_DATE_TIME.exec(text) ?? SN_DATE.exec(text);
  if (m) {
    const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map(Number) as [number, number, number, number?, number?, number?];
    const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    // Date.UTC rolls 2026-02-31 over to March: only a round trip proves the date exists.
    const exists =
      at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day && at.getUTCHours() === hour && at.getUTCMinutes() === minute;
    if (exists) return at;
  }
  throw new SourceDataError(`${table} ${name} ${JSON.stringify(text)} is not a ServiceNow date/time (YYYY-MM-DD HH:mm:ss)`, row);
}

/** Formats a moment as a ServiceNow UTC date/time, as encoded queries compare it. */
function toServicenowTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** A converted change request: the change, and the approval it carries (none when no approval was requested). */
export interface ConvertedChangeRequest {
  change: ChangeRecord;
  approval: ApprovalRecord | null;
}

/**
 * Converts one Table API `change_request` row to a change and its approval (pure).
 *
 * Dates are read as UTC (`sysparm_display_value=false`); references use their dot-walked `.name` or
 * `display_value` when present. The approval record summarises the row's `approval` field and CAB fields;
 * `not requested` (and the other decision-less values) give none.
 *
 * @param stateMap - extra `state` values for instances with custom states
 * @throws SourceDataError carrying the row when it has no number, an unknown state or an unparseable date
 */
export function convertChangeRequest(connectorId: string, row: unknown, stateMap: Readonly<Record<string, ChangeState>> = {}): ConvertedChangeRequest {
  const parsed = changeRequestRow.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SourceDataError(`not a change_request row: ${issue?.path.join('.')} ${issue?.message}`, row);
  }
  const r = parsed.data;
  const key = valueOf(r.number);
  if (!key) throw new SourceDataError(`change_request ${r.sys_id} has no number`, row);

  const stateValue = valueOf(r.state) ?? '';
  const state = stateMap[stateValue] ?? DEFAULT_STATES[stateValue];
  if (!state)
    throw new SourceDataError(`change_request ${key} has state ${JSON.stringify(stateValue)}, which no state mapping knows (add it to stateMap)`, row);

  const typeValue = (valueOf(r.type) ?? '').toLowerCase();
  const windowStart = parseServicenowTime(r.start_date, 'start_date', row);
  const windowEnd = parseServicenowTime(r.end_date, 'end_date', row);
  const cabDate = parseServicenowTime(r.cab_date, 'cab_date', row);
  const service = displayOf(r.cmdb_ci, r['cmdb_ci.name']);

  const change: ChangeRecord = {
    id: recordId(connectorId, 'change', key),
    key,
    source: 'servicenow',
    title: valueOf(r.short_description) ?? key,
    description: valueOf(r.description),
    // Normal is ServiceNow's default model; custom models (e.g. "expedited") are treated as normal changes.
    type: TYPES[typeValue] ?? 'NORMAL',
    risk: RISKS[valueOf(r.risk) ?? ''] ?? null,
    state,
    rollbackPlan: valueOf(r.backout_plan),
    windowStart,
    windowEnd,
    requestedBy: displayOf(r.requested_by, r['requested_by.name']),
    services: service ? [service] : [],
    releaseVersion: null,
    origin: { connector: connectorId, entity: 'change_request', sourceId: r.sys_id, originalStatus: stateValue },
  };

  const approvalValue = (valueOf(r.approval) ?? 'not requested').toLowerCase();
  const decision = DECISIONS[approvalValue];
  if (!decision) return { change, approval: null };
  const cabRequired = valueOf(r.cab_required) === 'true';
  const cabDateText = valueOf(r.cab_date)?.slice(0, 10);
  const approval: ApprovalRecord = {
    id: recordId(connectorId, 'approval', key),
    changeId: change.id,
    approver: displayOf(r.cab_delegate, r['cab_delegate.name']) ?? 'CAB',
    decision,
    // The CAB meeting date is when a CAB decision is taken; a pending approval has no decision date.
    decidedAt: decision !== 'REQUESTED' && cabRequired ? cabDate : null,
    comment: cabRequired ? `CAB review required${cabDateText ? ` (CAB date ${cabDateText})` : ''}` : null,
    origin: { connector: connectorId, entity: 'change_request', sourceId: r.sys_id, originalStatus: approvalValue },
  };
  return { change, approval };
}

/**
 * Where the `change_request` stream resumes: the newest `sys_updated_on` read and the sys_ids already read
 * at exactly that second (ServiceNow times have second precision, so several rows can share one).
 */
interface ChangeRequestCursor {
  updatedOn: string;
  ids: string[];
}

const cursorShape = z.object({ updatedOn: z.string().regex(SN_DATE_TIME), ids: z.array(z.string()) });
const tableResponse = z.object({ result: z.array(z.unknown()) });
/** Just enough of a row to place it in the stream, before conversion decides whether it is good. */
const rowPosition = z.object({ sys_id: z.string().min(1), sys_updated_on: z.string().regex(SN_DATE_TIME) });

function startCursor(config: ServicenowConfig, cursor: string | null): ChangeRequestCursor {
  if (cursor === null) return { updatedOn: config.since ? toServicenowTime(new Date(config.since)) : '1970-01-01 00:00:00', ids: [] };
  let stored: unknown;
  try {
    stored = JSON.parse(cursor);
  } catch {
    throw new Error(`servicenow cursor ${JSON.stringify(cursor)} is not JSON`);
  }
  const parsed = cursorShape.safeParse(stored);
  if (!parsed.success) throw new Error(`servicenow cursor ${JSON.stringify(cursor)} is not {updatedOn, ids}`);
  return parsed.data;
}

const authorization = (config: ServicenowConfig): string => basicAuth(config.username, config.password);

function tableRequest(config: ServicenowConfig, query: Record<string, string | number>, table = 'change_request') {
  const search = Object.entries(query)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join('&');
  return {
    url: `${config.baseUrl}/api/now/table/${table}?${search}`,
    method: 'GET' as const,
    headers: { Accept: 'application/json', Authorization: authorization(config) },
  };
}

/**
 * Reads one page of change requests updated at or after the cursor, oldest first (ties by sys_id).
 *
 * Rows already read at the cursor's second are skipped by id, so a second split across two pages loses
 * and repeats nothing. When more than half a page was read at that second, the request also skips the
 * older part of those rows with `sysparm_offset`, so a burst of more rows than a page in one second
 * cannot pin the cursor. Rows that do not convert are reported in `rejected` and read past.
 */
interface TableStream {
  table: string;
  fields: readonly string[];
  /** An encoded query ANDed to the poll. */
  query: string | undefined;
  /** A row's records (throws SourceDataError for a row that cannot be one). */
  convert(row: unknown, into: DomainRecords): void;
}

async function readTable(config: ServicenowConfig, cursorText: string | null, io: SourceIO, stream: TableStream): Promise<StreamPage> {
  const cursor = startCursor(config, cursorText);
  const seenAtCursor = new Set(cursor.ids);
  const offset = Math.max(0, cursor.ids.length - Math.floor(config.pageSize / 2));
  const query = [`sys_updated_on>=${cursor.updatedOn}`, stream.query, 'ORDERBYsys_updated_on', 'ORDERBYsys_id'].filter(Boolean).join('^');
  const response = await io.http(
    tableRequest(
      config,
      {
        sysparm_query: query,
        sysparm_limit: config.pageSize,
        ...(offset > 0 ? { sysparm_offset: offset } : {}),
        sysparm_display_value: 'false',
        sysparm_exclude_reference_link: 'true',
        sysparm_fields: stream.fields.join(','),
      },
      stream.table,
    ),
  );
  const page = tableResponse.safeParse(parseJsonBody(() => response.json(), `the ${stream.table} page`));
  if (!page.success) throw new Error(`the ${stream.table} page is not a Table API response ({ "result": [...] })`);

  const out = records({});
  const rejected: NonNullable<StreamPage['rejected']> = [];
  let updatedOn = cursor.updatedOn;
  let idsAtUpdatedOn = [...cursor.ids];
  let newest: string | null = null;

  for (const row of page.data.result) {
    const position = rowPosition.safeParse(row);
    if (!position.success) {
      rejected.push({ error: `${stream.table} row without a sys_id or a sys_updated_on of the form YYYY-MM-DD HH:mm:ss`, payload: row });
      continue;
    }
    const { sys_id: sysId, sys_updated_on: rowUpdatedOn } = position.data;
    if (rowUpdatedOn === cursor.updatedOn && seenAtCursor.has(sysId)) continue;
    try {
      stream.convert(row, out);
    } catch (err) {
      if (!(err instanceof SourceDataError)) throw err;
      rejected.push({ error: err.message, payload: err.payload });
    }
    // Fixed-width UTC times compare as strings; a rejected row is read past like a converted one.
    if (rowUpdatedOn > updatedOn) {
      updatedOn = rowUpdatedOn;
      idsAtUpdatedOn = [sysId];
    } else if (rowUpdatedOn === updatedOn && !idsAtUpdatedOn.includes(sysId)) {
      idsAtUpdatedOn.push(sysId);
    }
    if (newest === null || rowUpdatedOn > newest) newest = rowUpdatedOn;
  }

  const next: ChangeRequestCursor = { updatedOn, ids: idsAtUpdatedOn };
  return {
    records: out,
    cursor: JSON.stringify(next),
    more: page.data.result.length >= config.pageSize,
    newestAt: newest === null ? null : new Date(newest.replace(' ', 'T') + 'Z'),
    rejected,
  };
}

const INCIDENT_FIELDS = ['sys_id', 'number', 'sys_updated_on', 'short_description', 'state', 'priority', 'opened_at', 'resolved_at', 'cmdb_ci', 'cmdb_ci.name'];

const incidentRow = z.object({
  sys_id: z.string().min(1),
  number: tableField,
  sys_updated_on: tableField,
  short_description: tableField,
  state: tableField,
  priority: tableField,
  opened_at: tableField,
  resolved_at: tableField,
  cmdb_ci: tableField,
  'cmdb_ci.name': tableField,
});

/** Incident states of the ServiceNow incident model: 1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed, 8 Canceled. */
const INCIDENT_STATES: Readonly<Record<string, IncidentStatus>> = {
  '1': 'TRIGGERED',
  '2': 'ACKNOWLEDGED',
  '3': 'ACKNOWLEDGED',
  '6': 'RESOLVED',
  '7': 'RESOLVED',
  '8': 'RESOLVED',
};
/** Priority 1 Critical … 5 Planning. */
const INCIDENT_SEVERITIES: Readonly<Record<string, IncidentSeverity>> = { '1': 'SEV1', '2': 'SEV2', '3': 'SEV3', '4': 'SEV4', '5': 'SEV4' };

/** Converts an `incident` Table API row to an incident (pure); throws SourceDataError for a row that cannot be one. */
export function convertServicenowIncident(connectorId: string, baseUrl: string, row: unknown): IncidentRecord {
  const parsed = incidentRow.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SourceDataError(`not an incident row: ${issue?.path.join('.')} ${issue?.message}`, row);
  }
  const r = parsed.data;
  const key = valueOf(r.number);
  if (!key) throw new SourceDataError(`incident ${r.sys_id} has no number`, row);
  const stateValue = valueOf(r.state) ?? '';
  const status = INCIDENT_STATES[stateValue];
  if (!status) throw new SourceDataError(`incident ${key} has state ${JSON.stringify(stateValue)}, which is not one of the incident model's`, row);
  const openedAt = parseServicenowTime(r.opened_at, 'opened_at', row, 'incident');
  if (!openedAt) throw new SourceDataError(`incident ${key} has no opened_at`, row);
  const service = displayOf(r.cmdb_ci, r['cmdb_ci.name']);
  return {
    id: recordId(connectorId, 'incident', key),
    key,
    source: 'servicenow',
    title: valueOf(r.short_description) ?? key,
    severity: INCIDENT_SEVERITIES[valueOf(r.priority) ?? ''] ?? 'SEV3',
    status,
    openedAt,
    resolvedAt: status === 'RESOLVED' ? parseServicenowTime(r.resolved_at, 'resolved_at', row, 'incident') : null,
    services: service ? [service] : [],
    url: `${baseUrl}/nav_to.do?uri=incident.do?sys_id=${r.sys_id}`,
    origin: { connector: connectorId, entity: 'incident', sourceId: r.sys_id, originalStatus: stateValue },
  };
}

const changeRequestStream = (config: ServicenowConfig): TableStream => ({
  table: 'change_request',
  fields: POLLED_FIELDS,
  query: config.query,
  convert(row, into) {
    const { change, approval } = convertChangeRequest(config.id, row, config.stateMap);
    into.changes.push(change);
    if (approval) into.approvals.push(approval);
  },
});

const incidentStream = (config: ServicenowConfig): TableStream => ({
  table: 'incident',
  fields: INCIDENT_FIELDS,
  query: config.incidentQuery,
  convert(row, into) {
    into.incidents.push(convertServicenowIncident(config.id, config.baseUrl, row));
  },
});

/** The HTTP status an `io.http` failure carries, as a property or in its message. */

async function checkServicenow(config: ServicenowConfig, io: SourceIO): Promise<string | null> {
  try {
    const response = await io.http(tableRequest(config, { sysparm_limit: 1 }));
    const body = tableResponse.safeParse(parseJsonBody(() => response.json(), 'the answer'));
    return body.success ? null : `${config.baseUrl} answered, but not with a Table API response: is baseUrl the instance URL?`;
  } catch (err) {
    const status = httpStatusOf(err);
    if (status === 401 || status === 403) {
      return `ServiceNow credentials refused (HTTP ${status}): check username and password, and that the user may read change_request`;
    }
    if (status === 404) return `${config.baseUrl}/api/now/table/change_request was not found (HTTP 404): is baseUrl the instance URL?`;
    return `cannot read change requests from ${config.baseUrl}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** ServiceNow: change requests polled from the Table API become changes and their CAB approvals. */
export const servicenow: ConnectorKind<ServicenowConfig> = {
  kind: 'servicenow',
  config: servicenowConfig,
  secrets: ['username', 'password'],
  check: checkServicenow,
  streams: [
    { name: 'change_request', read: (config, cursor, io) => readTable(config, cursor, io, changeRequestStream(config)) },
    {
      name: 'incident',
      // Off unless configured: the page is empty and the source is not asked.
      read: (config, cursor, io) =>
        config.incidents ? readTable(config, cursor, io, incidentStream(config)) : Promise.resolve({ records: records({}), cursor, more: false }),
    },
  ],
  replay(config, stream, payload) {
    const out = records({});
    if (stream === 'change_request') changeRequestStream(config).convert(payload, out);
    else if (stream === 'incident') incidentStream(config).convert(payload, out);
    else throw new Error(`servicenow has no stream ${JSON.stringify(stream)}`);
    return out;
  },
};
