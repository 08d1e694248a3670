export { recordId, type Origin } from './kit/ids.js';
export { changeKeysIn } from './kit/change-keys.js';
export {
  SourceDataError,
  type ConnectorKind,
  type SourceIO,
  type SourceRequest,
  type SourceResponse,
  type Stream,
  type StreamPage,
  type WebhookOutcome,
  type WebhookRequest,
} from './kit/connector.js';
export * from './kit/records.js';
export { connectorId, duration, pollingFields, secret } from './kit/config.js';
export { gateKindOf, gateStatusOf, gatesOf } from './kit/gates.js';
export { backoffDelay, requestedWait, isRetryableStatus, DEFAULT_RETRY, type RetryPolicy } from './kit/retry.js';
export { constantTimeEqual, verifyHmacSha256 } from './kit/signatures.js';
export { github, convertGithubPush, type GithubConfig } from './github/github.js';

import { github } from './github/github.js';
import type { ConnectorKind } from './kit/connector.js';

/** Every connector kind, by the `kind:` of the config file. */
export const CONNECTOR_KINDS: Record<string, ConnectorKind<{ id: string; kind: string }>> = {
  github: github as unknown as ConnectorKind<{ id: string; kind: string }>,
};
