import type { Role } from '../modules/auth/roles.js';

/** Who causes a write: an API token's holder, a connector, or the hub itself. */
export interface Actor {
  /** Stable id: `token:<id>`, `connector:<id>`, `system`. */
  id: string;
  /** Human-readable name for the audit trail. */
  name: string;
  role: Role;
}
