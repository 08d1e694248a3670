import { computed, ref } from 'vue';
import type { Viewer } from './documents';

const TOKEN_KEY = 'releasegraph.token';
const VIEWER_KEY = 'releasegraph.viewer';

export interface Session {
  token: string;
  viewer: Viewer;
}

function readStoredSession(): Session | null {
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const viewer = JSON.parse(sessionStorage.getItem(VIEWER_KEY) ?? 'null') as Viewer | null;
    // A session stored by an older dashboard has no permissions: sign in again rather than guess.
    return token && viewer && Array.isArray(viewer.permissions) ? { token, viewer } : null;
  } catch {
    return null;
  }
}

/** The signed-in session, kept in sessionStorage: it survives a reload, not a closed tab. */
export const session = ref<Session | null>(readStoredSession());

/** Why the last session ended, shown on the sign-in form. */
export const signOutReason = ref<string | null>(null);

export function signIn(next: Session): void {
  sessionStorage.setItem(TOKEN_KEY, next.token);
  sessionStorage.setItem(VIEWER_KEY, JSON.stringify(next.viewer));
  signOutReason.value = null;
  session.value = next;
}

export function signOut(reason: string | null = null): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(VIEWER_KEY);
  signOutReason.value = reason;
  session.value = null;
}

/** The hub's permission names a view may check before offering an action (the hub enforces them regardless). */
export type Permission = 'release:write' | 'deployment:write' | 'change:write' | 'catalog:write' | 'connector:operate' | 'token:manage';

/** Whether the signed-in role may do it: views hide buttons the hub would refuse. */
export function usePermission(permission: Permission) {
  return computed(() => session.value?.viewer.permissions.includes(permission) ?? false);
}
