import { registerEnumType } from 'type-graphql';

/**
 * Roles of API tokens; `GRANTS` below says what each may write (reading needs only a valid token).
 * Stored lowercase; GraphQL shows them as enum values.
 */
export enum Role {
  VIEWER = 'viewer',
  ANALYST = 'analyst',
  ENGINEER = 'engineer',
  APPROVER = 'approver',
  RELEASE_MANAGER = 'release_manager',
  ADMIN = 'admin',
  INTEGRATION = 'integration',
}
registerEnumType(Role, { name: 'Role' });

export const ROLES: readonly Role[] = Object.values(Role);

/** What a caller may do. Reading the release graph needs only a valid token. */
export enum Permission {
  /** Services and environments: the catalogue. */
  CatalogWrite = 'catalog:write',
  /** Releases: plan, schedule, move through their life cycle. */
  ReleaseWrite = 'release:write',
  /** Change tickets. */
  ChangeWrite = 'change:write',
  /** Deployments as they roll out. */
  DeploymentWrite = 'deployment:write',
  /** Issue and revoke API tokens. */
  TokenManage = 'token:manage',
  /** Poll connectors now, replay dead letters. */
  ConnectorOperate = 'connector:operate',
}

const GRANTS: Record<Role, readonly Permission[]> = {
  [Role.VIEWER]: [],
  [Role.ANALYST]: [],
  [Role.APPROVER]: [],
  [Role.ENGINEER]: [Permission.ChangeWrite, Permission.DeploymentWrite],
  [Role.INTEGRATION]: [Permission.ChangeWrite, Permission.DeploymentWrite],
  [Role.RELEASE_MANAGER]: [Permission.CatalogWrite, Permission.ReleaseWrite, Permission.ChangeWrite, Permission.DeploymentWrite, Permission.ConnectorOperate],
  [Role.ADMIN]: Object.values(Permission),
};

export function roleGrants(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function parseRole(value: string): Role | undefined {
  return ROLES.find((r) => r === value.toLowerCase());
}
