/*
 * Apollo Client 3.14 warns about every API that Apollo Client 4 removes. @vue/apollo-composable 4.x
 * still calls some of them (getLastResult, getLastError) and does not support Apollo Client 4 yet,
 * which keeps the dashboard on Apollo Client 3. So those warnings are known and not ours to fix:
 * mute them (development and tests; production builds drop Apollo's warnings anyway).
 */
(globalThis as Record<symbol, unknown>)[Symbol.for('apollo.deprecations')] = true;

export {};
