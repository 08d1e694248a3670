/*
 * PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary
 * Format"), for the column types the telemetry tables use. Binary COPY is the cheapest way to put
 * many rows into PostgreSQL: no SQL per row, no text conversions. Rows are written straight into
 * one growing buffer (a buffer per field costs more than the COPY itself).
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const PG_EPOCH_MS = 946_684_800_000; // 2000-01-01T00:00:00Z

export class BinaryCopyWriter {
  private buf: Buffer;
  private at = 0;

  /** The stream's header: signature, flags, no extension. */
  static readonly HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]);
  /** The stream's trailer: a field count of -1. */
  static readonly TRAILER = Buffer.from([0xff, 0xff]);

  constructor(expectedBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(expectedBytes, 64));
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  /** Starts a row of `fields` columns (the COPY statement's, in order). */
  row(fields: number): this {
    this.room(2);
    this.at = this.buf.writeInt16BE(fields, this.at);
    return this;
  }

  text(value: string | null): this {
    if (value === null) return this.null();
    const length = Buffer.byteLength(value, 'utf8');
    this.room(4 + length);
    this.at = this.buf.writeInt32BE(length, this.at);
    this.at += this.buf.write(value, this.at, 'utf8');
    return this;
  }

  int2(value: number): this {
    this.room(6);
    this.at = this.buf.writeInt32BE(2, this.at);
    this.at = this.buf.writeInt16BE(value, this.at);
    return this;
  }

  float8(value: number): this {
    this.room(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeDoubleBE(value, this.at);
    return this;
  }

  bool(value: boolean): this {
    this.room(5);
    this.at = this.buf.writeInt32BE(1, this.at);
    this.buf[this.at++] = value ? 1 : 0;
    return this;
  }

  /** From milliseconds since the epoch (fractions kept to the microsecond); stored as microseconds since 2000-01-01 UTC. */
  timestamptz(epochMs: number): this {
    this.room(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeBigInt64BE(BigInt(Math.round((epochMs - PG_EPOCH_MS) * 1000)), this.at);
    return this;
  }

  /** A version byte (1), then the JSON text. */
  jsonb(json: string): this {
    const length = Buffer.byteLength(json, 'utf8');
    this.room(5 + length);
    this.at = this.buf.writeInt32BE(length + 1, this.at);
    this.buf[this.at++] = 1;
    this.at += this.buf.write(json, this.at, 'utf8');
    return this;
  }

  null(): this {
    this.room(4);
    this.at = this.buf.writeInt32BE(-1, this.at);
    return this;
  }

  /** The rows written so far (a COPY stream is HEADER, rows..., TRAILER; rows of several writers can follow one another). */
  rows(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}
