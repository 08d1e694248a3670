import crypto from 'node:crypto';
import { z } from 'zod';
import { connectorId, pollingFields, secret } from '../kit/config.js';
import {
  type ConnectorKind,
  SourceDataError,
  type SourceIO,
  type StreamPage,
  type WebhookConversion,
  type WebhookReceipt,
  type WebhookRequest,
} from '../kit/connector.js';
import { NOT_JSON, parseJson } from '../kit/event-handlers.js';
import { basicAuth, httpStatusOf, parseJsonBody } from '../kit/http.js';
import { recordId } from '../kit/ids.js';
import { type ApprovalDecision, type ApprovalRecord, type ChangeRecord, type ChangeRisk, type ChangeState, type ChangeType, records } from '../kit/records.js';
import { verifyHmacSha256 } from '../kit/signatures.js';

const CHANGE_STATES = ['NEW', 'ASSESS', 'AUTHORIZE', 'SCHEDULED', 'IMPLEMENT', 'REVIEW', 'CLOSED', 'CANCELLED'] as const satisfies readonly ChangeState[];

const customFieldId = z.string().regex(/^customfield_\d+$/, 'a custom field id like customfield_10050');

export const jiraConfig = z.object({
  id: connectorId,
  kind: z.literal('jira'),
  /** The site, e.g. `https://acme.atlassian.net`. */
  baseUrl: z.url().transform((url) => url.replace(/\/+$/, '')),
  /** The account's email and an API token (Basic auth). */
  email: secret,
  apiToken: secret,
  /** Keys of the projects whose issues are changes. */
  projects: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'a project key like OPS')).min(1),
  /** An extra JQL filter ANDed to the poll, e.g. `issuetype in ("Change", "Standard Change")`. */
  jql: z
    .string()
    .min(1)
    .refine((q) => !/\border\s+by\b/i.test(q), 'must not contain ORDER BY (the poll orders by updated)')
    .optional(),
  ...pollingFields,
  /** Where the first poll starts (ISO 8601); without it the first poll reads every issue of the projects. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Issues per search request (Jira may return fewer). */
  pageSize: z.number().int().min(1).max(100).default(50),
  /** The secret of the admin webhook; webhooks are refused without it. */
  webhookSecret: secret.optional(),
  /** Status names (any case) to change states, over the defaults, e.g. `{ "Ready for CAB": "AUTHORIZE" }`. */
  statusMap: z.record(z.string(), z.enum(CHANGE_STATES)).optional(),
  /** The site's custom fields for the change window and the backout plan (Jira Service Management change fields). */
  customFields: z.object({ windowStart: customFieldId.optional(), windowEnd: customFieldId.optional(), rollbackPlan: customFieldId.optional() }).optional(),
});
export type JiraConfig = z.infer<typeof jiraConfig>;

/** Status names (lower case) to change states. Unknown names fall back on the status category. */
const DEFAULT_STATUSES: Readonly<Record<string, ChangeState>> = {
  'to do': 'NEW',
  open: 'NEW',
  backlog: 'NEW',
  new: 'NEW',
  'in review': 'ASSESS',
  assess: 'ASSESS',
  'awaiting approval': 'AUTHORIZE',
  'waiting for approval': 'AUTHORIZE',
  'pending approval': 'AUTHORIZE',
  approval: 'AUTHORIZE',
  approved: 'SCHEDULED',
  scheduled: 'SCHEDULED',
  'awaiting implementation': 'SCHEDULED',
  'in progress': 'IMPLEMENT',
  implementing: 'IMPLEMENT',
  'post-implementation review': 'REVIEW',
  done: 'CLOSED',
  closed: 'CLOSED',
  resolved: 'CLOSED',
  completed: 'CLOSED',
  cancelled: 'CANCELLED',
  canceled: 'CANCELLED',
  "won't do": 'CANCELLED',
  declined: 'CANCELLED',
  rejected: 'CANCELLED',
};
const BY_STATUS_CATEGORY: Readonly<Record<string, ChangeState>> = { new: 'NEW', indeterminate: 'IMPLEMENT', done: 'CLOSED' };

/** Statuses that record an approver's decision; any status mapped to AUTHORIZE records a pending request. */
const DECISION_STATUSES: Readonly<Record<string, ApprovalDecision>> = { approved: 'APPROVED', declined: 'REJECTED', rejected: 'REJECTED' };

/** Jira Cloud's default priorities. */
const RISKS: Readonly<Record<string, ChangeRisk>> = { highest: 'VERY_HIGH', high: 'HIGH', medium: 'MODERATE', low: 'LOW', lowest: 'LOW' };

/** A node of an Atlassian Document Format document (REST v3 rich text). */
interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
}
const adfNode: z.ZodType<AdfNode> = z.lazy(() =>
  z.object({ type: z.string(), text: z.string().optional(), attrs: z.record(z.string(), z.unknown()).optional(), content: z.array(adfNode).optional() }),
);
/** Rich text: ADF in REST v3 (search), a plain string in webhooks (which carry the v2 representation). */
const richText = z.union([z.string(), adfNode, z.null()]).optional();
const named = z.object({ name: z.string() });

const jiraIssue = z.object({
  id: z.string().optional(),
  key: z.string().regex(/^[A-Z][A-Z0-9_]*-\d+$/),
  fields: z
    .object({
      summary: z.string(),
      description: richText,
      issuetype: named.nullish(),
      labels: z.array(z.string()).nullish(),
      status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }).nullish() }),
      fixVersions: z.array(named).nullish(),
      components: z.array(named).nullish(),
      priority: named.nullish(),
      reporter: z.object({ displayName: z.string().optional() }).nullish(),
      updated: z.string().optional(),
    })
    // Custom fields (the change window, the backout plan) are read by their configured ids.
    .catchall(z.unknown()),
});

const ADF_BLOCKS = new Set(['paragraph', 'heading', 'blockquote', 'codeBlock', 'listItem', 'panel', 'tableRow', 'taskItem', 'decisionItem', 'expand', 'rule']);

/** Flattens an ADF node to plain text: text nodes joined, blocks on their own lines, list items with `- `. */
function adfToText(node: AdfNode): string {
  switch (node.type) {
    case 'text':
      return node.text ?? '';
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'emoji':
    case 'status': {
      const text = node.attrs?.['text'] ?? node.attrs?.['shortName'];
      return typeof text === 'string' ? text : '';
    }
    case 'inlineCard': {
      const url = node.attrs?.['url'];
      return typeof url === 'string' ? url : '';
    }
  }
  const inner = (node.content ?? []).map(adfToText).join('');
  if (!ADF_BLOCKS.has(node.type)) return inner;
  return (node.type === 'listItem' ? '- ' : '') + inner.replace(/\n+$/, '') + '\n';
}

function plainText(value: z.infer<typeof richText>): string | null {
  if (value === null || value === undefined) return null;
  const text = (typeof value === 'string' ? value : adfToText(value)).trim();
  return text === '' ? null : text;
}

/** Parses Jira's `2026-11-20T10:15:00.000+0000` (or a plain date); null when it is no time. */
function parseJiraTime(text: string): Date | null {
  const at = new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(at.getTime()) ? null : at;
}

function customTime(issue: z.infer<typeof jiraIssue>, fieldId: string | undefined, row: unknown): Date | null {
  if (!fieldId) return null;
  const value = issue.fields[fieldId];
  if (value === null || value === undefined || value === '') return null;
  const at = typeof value === 'string' ? parseJiraTime(value) : null;
  if (!at) throw new SourceDataError(`${issue.key} ${fieldId} ${JSON.stringify(value)} is not a date`, row);
  return at;
}

function stateOf(status: { name: string; statusCategory?: { key: string } | null }, statusMap: Readonly<Record<string, ChangeState>>): ChangeState | null {
  const name = status.name.trim().toLowerCase();
  return statusMap[name] ?? DEFAULT_STATUSES[name] ?? BY_STATUS_CATEGORY[status.statusCategory?.key ?? ''] ?? null;
}

/** A converted issue: the change, and the approval its status stands for (none for most statuses). */
export interface ConvertedJiraIssue {
  change: ChangeRecord;
  approval: ApprovalRecord | null;
}

/**
 * Converts one Jira issue (REST v3 search result or webhook `issue`) to a change and its approval (pure).
 *
 * - type: a label or issue type name containing "emergency" → EMERGENCY, "standard" → STANDARD, else NORMAL;
 * - state: the status name (config `statusMap`, then the defaults), else the status category
 *   (new → NEW, indeterminate → IMPLEMENT, done → CLOSED); the status name is kept in `origin`;
 * - risk: priority Highest → VERY_HIGH, High → HIGH, Medium → MODERATE, Low/Lowest → LOW, others → null;
 * - approval: REQUESTED while the status maps to AUTHORIZE, APPROVED on "Approved", REJECTED on
 *   "Declined"/"Rejected", from the approver "CAB" (plain issue fields do not name who decided).
 *
 * @throws SourceDataError carrying the issue when it is not an issue, its status maps to nothing or a configured date field is no date
 */
export function convertJiraIssue(connectorId: string, issue: unknown, config: Pick<JiraConfig, 'statusMap' | 'customFields'> = {}): ConvertedJiraIssue {
  const parsed = jiraIssue.safeParse(issue);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new SourceDataError(`not a Jira issue: ${problem?.path.join('.')} ${problem?.message}`, issue);
  }
  const i = parsed.data;
  const f = i.fields;
  const statusMap = Object.fromEntries(Object.entries(config.statusMap ?? {}).map(([name, state]) => [name.trim().toLowerCase(), state]));
  const state = stateOf(f.status, statusMap);
  if (!state) throw new SourceDataError(`${i.key} has status ${JSON.stringify(f.status.name)}, which no status mapping knows (add it to statusMap)`, issue);

  const typeWords = [...(f.labels ?? []), f.issuetype?.name ?? ''].map((w) => w.toLowerCase());
  const type: ChangeType = typeWords.some((w) => w.includes('emergency')) ? 'EMERGENCY' : typeWords.some((w) => w.includes('standard')) ? 'STANDARD' : 'NORMAL';
  const rollbackField = config.customFields?.rollbackPlan;
  const rollback = rollbackField ? richText.safeParse(f[rollbackField]) : null;
  const fixVersion = f.fixVersions?.[0]?.name ?? null;
  const origin = { connector: connectorId, entity: 'issue', sourceId: i.id ?? i.key, originalStatus: f.status.name };

  const change: ChangeRecord = {
    id: recordId(connectorId, 'change', i.key),
    key: i.key,
    source: 'jira',
    title: f.summary,
    description: plainText(f.description),
    type,
    risk: RISKS[(f.priority?.name ?? '').toLowerCase()] ?? null,
    state,
    rollbackPlan: rollback?.success ? plainText(rollback.data) : null,
    windowStart: customTime(i, config.customFields?.windowStart, issue),
    windowEnd: customTime(i, config.customFields?.windowEnd, issue),
    requestedBy: f.reporter?.displayName ?? null,
    services: (f.components ?? []).map((c) => c.name),
    // Like tags, versions link to releases without a leading "v".
    releaseVersion: fixVersion?.replace(/^v(?=\d)/, '') ?? null,
    origin,
  };

  const decision = DECISION_STATUSES[f.status.name.trim().toLowerCase()] ?? (state === 'AUTHORIZE' ? 'REQUESTED' : null);
  if (!decision) return { change, approval: null };
  const approval: ApprovalRecord = {
    id: recordId(connectorId, 'approval', i.key),
    changeId: change.id,
    approver: 'CAB',
    decision,
    decidedAt: null,
    comment: null,
    origin,
  };
  return { change, approval };
}

const SEARCH_FIELDS = ['summary', 'description', 'issuetype', 'labels', 'status', 'fixVersions', 'components', 'priority', 'reporter', 'updated', 'project'];
/** Minutes the poll reads back before its cursor: JQL compares to the minute, and our clock and Jira's differ. */
const LOOKBACK_MINUTES = 2;

/**
 * Where the `issues` stream resumes: the newest `updated` read (ISO) and the keys read at exactly that
 * instant; while a search is being paged, its JQL and `nextPageToken` too.
 */
interface IssuesCursor {
  since: string | null;
  keys: string[];
  jql?: string;
  pageToken?: string;
}

const cursorShape = z.object({ since: z.string().nullable(), keys: z.array(z.string()), jql: z.string().optional(), pageToken: z.string().optional() });
const searchResponse = z.object({ issues: z.array(z.unknown()).default([]), nextPageToken: z.string().nullish(), isLast: z.boolean().optional() });
const issuePosition = z.object({ key: z.string().min(1), fields: z.object({ updated: z.string() }) });

function startCursor(config: JiraConfig, cursor: string | null): IssuesCursor {
  if (cursor === null) return { since: config.since ? new Date(config.since).toISOString() : null, keys: [] };
  let stored: unknown;
  try {
    stored = JSON.parse(cursor);
  } catch {
    throw new Error(`jira cursor ${JSON.stringify(cursor)} is not JSON`);
  }
  const parsed = cursorShape.safeParse(stored);
  if (!parsed.success) throw new Error(`jira cursor ${JSON.stringify(cursor)} is not {since, keys}`);
  return parsed.data;
}

/**
 * The poll's JQL. The time bound is relative (`updated >= "-42m"`): JQL reads absolute dates in the
 * API user's profile time zone, which the connector cannot know, while a relative one means the same
 * everywhere.
 */
function searchJql(config: JiraConfig, since: string | null, now: Date): string {
  const clauses = [`project in (${config.projects.map((p) => `"${p}"`).join(', ')})`];
  if (config.jql) clauses.push(`(${config.jql})`);
  if (since) {
    const minutes = Math.max(0, Math.ceil((now.getTime() - new Date(since).getTime()) / 60_000)) + LOOKBACK_MINUTES;
    clauses.push(`updated >= "-${minutes}m"`);
  }
  return `${clauses.join(' AND ')} ORDER BY updated ASC, key ASC`;
}

const authorization = (config: JiraConfig): string => basicAuth(config.email, config.apiToken);
const jiraHeaders = (config: JiraConfig) => ({ Accept: 'application/json', Authorization: authorization(config) });

/**
 * Reads one page of issues updated since the cursor, oldest first, through the enhanced search
 * (`GET /rest/api/3/search/jql`). A search's pages are followed with `nextPageToken` (more: true) before a
 * new search starts from the newest `updated` read. Issues read before are skipped; issues that do not
 * convert are reported in `rejected` and read past.
 */
async function readIssues(config: JiraConfig, cursorText: string | null, io: SourceIO): Promise<StreamPage> {
  const cursor = startCursor(config, cursorText);
  const jql = cursor.pageToken && cursor.jql ? cursor.jql : searchJql(config, cursor.since, io.now());
  const fields = [...SEARCH_FIELDS, ...Object.values(config.customFields ?? {})].join(',');
  const query = [`jql=${encodeURIComponent(jql)}`, `fields=${encodeURIComponent(fields)}`, `maxResults=${config.pageSize}`];
  if (cursor.pageToken) query.push(`nextPageToken=${encodeURIComponent(cursor.pageToken)}`);
  const response = await io.http({ url: `${config.baseUrl}/rest/api/3/search/jql?${query.join('&')}`, method: 'GET', headers: jiraHeaders(config) });
  const page = searchResponse.safeParse(parseJsonBody(() => response.json(), 'the search page'));
  if (!page.success) throw new Error('the search page is not a search/jql response ({ "issues": [...] })');

  const out = records({});
  const rejected: NonNullable<StreamPage['rejected']> = [];
  const seenAtSince = new Set(cursor.keys);
  const sinceMs = cursor.since === null ? null : new Date(cursor.since).getTime();
  let newestMs = sinceMs;
  let keysAtNewest = [...cursor.keys];
  let newestOnPage: number | null = null;

  for (const issue of page.data.issues) {
    const position = issuePosition.safeParse(issue);
    const updated = position.success ? parseJiraTime(position.data.fields.updated) : null;
    if (!position.success || !updated) {
      rejected.push({ error: 'Jira issue without a key or a readable fields.updated', payload: issue });
      continue;
    }
    const key = position.data.key;
    const at = updated.getTime();
    if (sinceMs !== null && (at < sinceMs || (at === sinceMs && seenAtSince.has(key)))) continue;
    try {
      const { change, approval } = convertJiraIssue(config.id, issue, config);
      out.changes.push(change);
      if (approval) out.approvals.push(approval);
    } catch (err) {
      if (!(err instanceof SourceDataError)) throw err;
      rejected.push({ error: err.message, payload: err.payload });
    }
    if (newestMs === null || at > newestMs) {
      newestMs = at;
      keysAtNewest = [key];
    } else if (at === newestMs && !keysAtNewest.includes(key)) {
      keysAtNewest.push(key);
    }
    if (newestOnPage === null || at > newestOnPage) newestOnPage = at;
  }

  // The last page may omit nextPageToken rather than send null (JRACLOUD-92184), and isLast may be absent.
  const last = page.data.isLast === true || !page.data.nextPageToken;
  const next: IssuesCursor = { since: newestMs === null ? null : new Date(newestMs).toISOString(), keys: keysAtNewest };
  if (!last) Object.assign(next, { jql, pageToken: page.data.nextPageToken });
  return {
    records: out,
    cursor: JSON.stringify(next),
    more: !last,
    newestAt: newestOnPage === null ? null : new Date(newestOnPage),
    rejected,
  };
}

const HANDLED_EVENTS = new Set(['jira:issue_created', 'jira:issue_updated']);
const webhookEnvelope = z.object({ webhookEvent: z.string(), issue: z.unknown().optional() });
const issueProject = z.object({ fields: z.object({ project: z.object({ key: z.string() }) }) });

function receiveJiraWebhook(config: JiraConfig, { headers, rawBody }: WebhookRequest): WebhookReceipt {
  if (!config.webhookSecret) return { kind: 'unauthorized', reason: 'this connector has no webhookSecret, so it cannot verify webhooks' };
  // Admin webhooks saved with a secret sign the raw body: X-Hub-Signature: sha256=<hex HMAC>.
  if (!verifyHmacSha256(config.webhookSecret, rawBody, headers['x-hub-signature'])) {
    return { kind: 'unauthorized', reason: 'X-Hub-Signature is missing or does not match the body' };
  }
  // Jira's delivery id is unchanged across retries; a content hash where a proxy dropped it.
  const deliveryId = headers['x-atlassian-webhook-identifier'] ?? 'sha256:' + crypto.createHash('sha256').update(rawBody).digest('hex');
  const envelope = parseEnvelope(rawBody);
  if ('malformed' in envelope) return { kind: 'malformed', reason: envelope.malformed };
  const event = envelope.webhookEvent;
  if (!HANDLED_EVENTS.has(event)) return { kind: 'ignored', deliveryId, reason: `event ${event} is not handled` };
  const project = issueProject.safeParse(envelope.issue).data?.fields.project.key;
  if (project && !config.projects.includes(project))
    return { kind: 'ignored', deliveryId, reason: `project ${project} is not one of this connector's projects` };
  return { kind: 'accepted', deliveryId, event };
}

function convertJiraWebhook(config: JiraConfig, { rawBody }: WebhookRequest): WebhookConversion {
  const envelope = parseEnvelope(rawBody);
  if ('malformed' in envelope) return { kind: 'malformed', reason: envelope.malformed };
  try {
    const { change, approval } = convertJiraIssue(config.id, envelope.issue, config);
    return { kind: 'records', records: records({ changes: [change], approvals: approval ? [approval] : [] }) };
  } catch (err) {
    if (err instanceof SourceDataError) return { kind: 'malformed', reason: err.message };
    throw err;
  }
}

function parseEnvelope(rawBody: Buffer): z.infer<typeof webhookEnvelope> | { malformed: string } {
  const body = parseJson(rawBody);
  if (body === NOT_JSON) return { malformed: 'the body is not JSON' };
  const envelope = webhookEnvelope.safeParse(body);
  return envelope.success ? envelope.data : { malformed: 'not a Jira webhook: no webhookEvent' };
}

/** The HTTP status an `io.http` failure carries, as a property or in its message. */

async function checkJira(config: JiraConfig, io: SourceIO): Promise<string | null> {
  try {
    const response = await io.http({ url: `${config.baseUrl}/rest/api/3/myself`, method: 'GET', headers: jiraHeaders(config) });
    const me = z.object({ accountId: z.string() }).safeParse(parseJsonBody(() => response.json(), 'the answer'));
    return me.success ? null : `${config.baseUrl} answered, but not as Jira Cloud: is baseUrl the site URL?`;
  } catch (err) {
    const status = httpStatusOf(err);
    if (status === 401 || status === 403) return `Jira credentials refused (HTTP ${status}): check email and apiToken`;
    if (status === 404) return `${config.baseUrl}/rest/api/3/myself was not found (HTTP 404): is baseUrl the site URL?`;
    return `cannot reach Jira at ${config.baseUrl}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Jira: issues of the configured projects, polled by JQL and pushed by signed admin webhooks, become changes. */
export const jira: ConnectorKind<JiraConfig> = {
  kind: 'jira',
  config: jiraConfig,
  secrets: ['email', 'apiToken', 'webhookSecret'],
  check: checkJira,
  streams: [{ name: 'issues', read: readIssues }],
  webhook: { keptHeaders: [], receive: receiveJiraWebhook, convert: convertJiraWebhook },
  replay(config, stream, payload) {
    if (stream !== 'issues') throw new Error(`jira has no stream ${JSON.stringify(stream)}`);
    const { change, approval } = convertJiraIssue(config.id, payload, config);
    return records({ changes: [change], approvals: approval ? [approval] : [] });
  },
};
