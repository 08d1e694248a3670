import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the committed SDL (`schema.graphql`), emitted by the server. */
export const schemaPath: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema.graphql');
