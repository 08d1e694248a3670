import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { records } from '../kit/records.js';
import { github, type GithubConfig } from './github.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const config: GithubConfig = { id: 'github', kind: 'github', webhookSecret: 'a-webhook-secret-of-length' };
const sign = (body: Buffer, secret = config.webhookSecret) => 'sha256=' + crypto.createHmac('sha256', secret).update(body).digest('hex');
const deliver = (body: Buffer, headers: Record<string, string | undefined>) => github.webhook!(config, { rawBody: body, headers });

describe('GitHub push webhook', () => {
  const body = fixture('push-with-change-key.json');

  it('turns a signed push into commits with the change keys of the message and the branch', () => {
    const outcome = deliver(body, { 'x-github-event': 'push', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'x-hub-signature-256': sign(body) });
    expect(outcome).toEqual({
      kind: 'records',
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      event: 'push',
      records: records({
        commits: [
          {
            id: 'github:commit:acme/payments@6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            repository: 'acme/payments',
            message: 'CHG0030001: retry card authorisation on timeout',
            author: 'dana',
            committedAt: new Date('2026-11-20T09:15:00Z'),
            changeKeys: ['CHG0030001', 'OPS-42'],
            origin: { connector: 'github', entity: 'push', sourceId: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' },
          },
        ],
      }),
    });
  });

  it('refuses a wrong, missing or stale signature before parsing anything', () => {
    expect(deliver(body, { 'x-github-event': 'push', 'x-hub-signature-256': sign(body, 'another-secret-entirely') }).kind).toBe('unauthorized');
    expect(deliver(body, { 'x-github-event': 'push' }).kind).toBe('unauthorized');
    const tampered = Buffer.from(body.toString().replace('retry card', 'retry kard'));
    expect(deliver(tampered, { 'x-github-event': 'push', 'x-hub-signature-256': sign(body) }).kind).toBe('unauthorized');
    expect(deliver(Buffer.from('{not json'), { 'x-github-event': 'push', 'x-hub-signature-256': sign(Buffer.from('{not json')) }).kind).toBe('malformed');
  });

  it('acknowledges pings and events it does not handle yet without records', () => {
    const ping = Buffer.from('{"zen":"Keep it logically awesome.","hook_id":1}');
    expect(deliver(ping, { 'x-github-event': 'ping', 'x-github-delivery': 'd1', 'x-hub-signature-256': sign(ping) })).toEqual({
      kind: 'ignored',
      deliveryId: 'd1',
      reason: 'ping',
    });
    expect(deliver(ping, { 'x-github-event': 'star', 'x-github-delivery': 'd2', 'x-hub-signature-256': sign(ping) }).kind).toBe('ignored');
  });
});
