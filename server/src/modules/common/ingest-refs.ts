import type { DomainRecords } from '@releasegraph/connectors';
import type { WriteTx } from '../../write/write-path.js';

/**
 * Natural keys of a connector batch resolved to graph ids. The record dispatcher
 * (`ingest/record-writer.ts`) implements it with a cache per batch; each module's `ingest`
 * receives it, so a module resolves a name without writing another module's table (a service or
 * environment a source names first is created by its own module).
 */
export interface IngestRefs {
  /** The connector the records came from (the origin of rows it creates). */
  readonly connectorId: string;
  /** The service with this name, created when new. */
  serviceId(name: string): Promise<string>;
  /** The environment with this name, created when new (its tier from its name). */
  environmentId(name: string): Promise<string>;
  /** The release of this version when exactly one release has it (`v1.2.0` and `1.2.0` alike). */
  releaseOfVersion(version: string | null | undefined): Promise<string | null>;
}

/** Where connector records go: to the modules that own their tables (implemented by `ingest/record-writer.ts`). */
export interface RecordSink {
  write(tx: WriteTx, connectorId: string, records: Partial<DomainRecords>): Promise<void>;
}
