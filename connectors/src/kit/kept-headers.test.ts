import { describe, expect, it } from 'vitest';
import { CONNECTOR_KINDS } from '../index.js';
import { keptHeaders } from './connector.js';

/** Every header a vendor may send with a delivery, credentials included. */
const ARRIVED = {
  'content-type': 'application/json',
  'user-agent': 'GitHub-Hookshot/abc',
  authorization: 'Bearer the-shared-secret',
  cookie: 'session=1',
  'x-releasegraph-token': 'the-shared-secret',
  'x-gitlab-token': 'the-shared-secret',
  'x-hub-signature': 'sha256=00',
  'x-hub-signature-256': 'sha256=00',
  'x-pagerduty-signature': 'v1=00',
  'x-github-event': 'push',
  'x-gitlab-event': 'Push Hook',
};

describe('the headers the inbox keeps with a delivery', () => {
  it.each(Object.values(CONNECTOR_KINDS).filter((k) => k.webhook))('never include credentials or signatures ($kind)', (kind) => {
    const kept = keptHeaders(kind.webhook!, ARRIVED);
    for (const name of [
      'authorization',
      'cookie',
      'x-releasegraph-token',
      'x-gitlab-token',
      'x-hub-signature',
      'x-hub-signature-256',
      'x-pagerduty-signature',
    ]) {
      expect(kept).not.toHaveProperty(name);
    }
    expect(kept).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/abc' });
  });

  it('keep the event headers the converters read', () => {
    expect(keptHeaders(CONNECTOR_KINDS.github!.webhook!, ARRIVED)).toHaveProperty('x-github-event', 'push');
    expect(keptHeaders(CONNECTOR_KINDS.gitlab!.webhook!, ARRIVED)).toHaveProperty('x-gitlab-event', 'Push Hook');
  });
});
