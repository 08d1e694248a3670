import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BadUserInputError, DomainError, NotFoundError, UnauthenticatedError } from './domain-errors.js';

const serverSrc = path.dirname(fileURLToPath(import.meta.url));
const graphqlErrors = path.join(serverSrc, 'graphql/errors.ts');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The files a source imports (static, dynamic, re-exports), resolved to their .ts path. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
    path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')),
  );
}

/** The API's side: the GraphQL layer, the transport, and resolvers. */
const mayUseTheApi = (file: string) => {
  const rel = path.relative(serverSrc, file);
  return rel.startsWith('graphql/') || rel.startsWith('http/') || rel.endsWith('.resolver.ts');
};

describe('domain errors', () => {
  it('live below the API: only the GraphQL layer, the transport and resolvers import graphql/errors.ts', () => {
    const files = sources(serverSrc);
    expect(files.filter((f) => f.includes('/write/') || f.includes('/modules/') || f.includes('/ingest/')).length).toBeGreaterThan(50);
    const offenders = files.filter((f) => !mayUseTheApi(f) && importsOf(f).includes(graphqlErrors)).map((f) => path.relative(serverSrc, f));
    expect(offenders).toEqual([]);
  });

  it('know no API: domain-errors.ts imports nothing', () => {
    expect(fs.readFileSync(path.join(serverSrc, 'domain-errors.ts'), 'utf8')).not.toMatch(/^\s*import\b|\bfrom\s+['"]/m);
  });

  it('carry their code, details and HTTP status', () => {
    const input = new BadUserInputError('input.name', 'must not be empty');
    expect(input).toBeInstanceOf(DomainError);
    expect(input).toMatchObject({
      name: 'BadUserInputError',
      code: 'BAD_USER_INPUT',
      message: 'input.name: must not be empty',
      details: { field: 'input.name' },
    });
    expect(input.httpStatus).toBeUndefined();
    expect(new NotFoundError('Release', 'rg:release:x')).toMatchObject({ code: 'NOT_FOUND', details: { type: 'Release', id: 'rg:release:x' } });
    expect(new UnauthenticatedError()).toMatchObject({ code: 'UNAUTHENTICATED', httpStatus: 401 });
  });
});
