import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';

/*
 * How the demo talks to the hub: GraphQL with its API token (planning, decisions — the public API),
 * and webhooks signed the way each vendor signs them.
 */

/** The demo's connectors that receive webhooks, with the vendor whose signature they check. */
export const WEBHOOK_CONNECTORS = { github: 'demo-github', jira: 'demo-jira', pagerduty: 'demo-pagerduty' } as const;
type Vendor = keyof typeof WEBHOOK_CONNECTORS;

export class HubClient {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly secrets: Record<string, string>,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {}

  async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
      signal: this.signal,
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (!body.data || body.errors) throw new Error(`demo GraphQL: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  /** A signed delivery to the vendor's demo connector. */
  async webhook(vendor: Vendor, payload: unknown, githubEvent?: string): Promise<void> {
    const connector = WEBHOOK_CONNECTORS[vendor];
    const secret = this.secrets[connector];
    if (!secret) return; // the config file declares this connector: its secret is not ours to use
    const body = JSON.stringify(payload);
    const hmac = crypto.createHmac('sha256', secret).update(body).digest('hex');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (vendor === 'github')
      Object.assign(headers, { 'x-github-event': githubEvent ?? '', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': `sha256=${hmac}` });
    else if (vendor === 'pagerduty') headers['x-pagerduty-signature'] = `v1=${hmac}`;
    else Object.assign(headers, { 'x-hub-signature': `sha256=${hmac}`, 'x-atlassian-webhook-identifier': crypto.randomUUID() });
    const res = await fetch(`${this.url}/hooks/${connector}`, { method: 'POST', headers, body, signal: this.signal });
    if (res.status !== 202) this.log.warn({ connector, event: githubEvent, status: res.status, body: await res.text() }, 'demo webhook refused');
  }
}

/**
 * The demo's Jira: a loopback site whose search API the Jira connector polls and whose `myself`
 * answers its check. The changes themselves arrive by webhook, so the search finds nothing new.
 */
export async function startJiraSite(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"issues":[],"isLast":true,"accountId":"demo"}'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
