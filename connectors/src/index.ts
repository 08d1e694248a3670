export { recordId, type Origin } from './kit/ids.js';
export { changeKeysIn } from './kit/change-keys.js';
export {
  ALWAYS_KEPT_HEADERS,
  SourceDataError,
  handleWebhook,
  keptHeaders,
  type ConnectorKind,
  type SourceIO,
  type SourceRequest,
  type SourceResponse,
  type Stream,
  type StreamPage,
  type WebhookConversion,
  type WebhookHandler,
  type WebhookOutcome,
  type WebhookReceipt,
  type WebhookRequest,
} from './kit/connector.js';
export * from './kit/records.js';
export { connectorId, duration, pollingFields, secret } from './kit/config.js';
export { gateKindOf, gateStatusOf, gatesOf } from './kit/gates.js';
export { releaseVersionOf } from './kit/release-version.js';
export { backoffDelay, requestedWait, isRetryableStatus, DEFAULT_RETRY, type RetryPolicy } from './kit/retry.js';
export { constantTimeEqual, verifyHmacSha256 } from './kit/signatures.js';
export { github, convertGithubPush, type GithubConfig } from './github/github.js';
export { gitlab, type GitlabConfig } from './gitlab/gitlab.js';
export { jenkins, type JenkinsConfig } from './jenkins/jenkins.js';
export { git, type GitConfig } from './git/git.js';
export { pagerduty, type PagerdutyConfig } from './pagerduty/pagerduty.js';
export { prometheus, type PrometheusConfig } from './prometheus/prometheus.js';
export { servicenow, type ServicenowConfig } from './servicenow/servicenow.js';
export { jira, type JiraConfig } from './jira/jira.js';

import { git } from './git/git.js';
import { github } from './github/github.js';
import { gitlab } from './gitlab/gitlab.js';
import { jenkins } from './jenkins/jenkins.js';
import { jira } from './jira/jira.js';
import type { ConnectorKind } from './kit/connector.js';
import { pagerduty } from './pagerduty/pagerduty.js';
import { prometheus } from './prometheus/prometheus.js';
import { servicenow } from './servicenow/servicenow.js';

type AnyKind = ConnectorKind<{ id: string; kind: string }>;

/** Every connector kind, by the `kind:` of the config file. */
export const CONNECTOR_KINDS: Record<string, AnyKind> = Object.fromEntries(
  [github, gitlab, jenkins, git, pagerduty, prometheus, servicenow, jira].map((k) => [k.kind, k as unknown as AnyKind]),
);
