/** `'A', 'B'`: a list of string constants for CHECK constraints built from TypeScript enums. */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
}
