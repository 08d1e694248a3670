import type { Origin } from './ids.js';

/** A git commit as a connector reports it, ready for the release graph. */
export interface CommitRecord {
  /** Deterministic id, `<connector>:commit:<repository>@<sha>`. */
  id: string;
  sha: string;
  repository: string;
  message: string;
  author: string | null;
  committedAt: Date;
  /** Change keys named in the message or the branch (CHG0030001, OPS-123). */
  changeKeys: string[];
  origin: Origin;
}

/** What one webhook delivery or poll page turns into. */
export interface DomainRecords {
  commits: CommitRecord[];
}

export const noRecords = (): DomainRecords => ({ commits: [] });
