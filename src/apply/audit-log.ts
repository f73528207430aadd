/**
 * The audit log of plans and writes: append-only JSON lines in KCD_STATE_DIR/audit.jsonl (one record per line,
 * appended with O_APPEND so concurrent writers on one file never interleave within a line), each also written
 * to the log. Records never hold a password: they name people, plans and attribute values.
 */
import { open, readFile, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AuditLog, AuditRecord } from './types';

export const AUDIT_FILE = 'audit.jsonl';
/** /kcd audit reads at most this much of the end of the file (well over a thousand records). */
export const AUDIT_TAIL_BYTES = 1024 * 1024;

export interface AuditLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

/** The record in the bot's log too (a SIEM reads it there): the whole record as a field, a short message. */
export function logAuditRecord(logger: AuditLogger | undefined, record: AuditRecord): void {
  logger?.info({ audit: record }, `audit: ${record.event}${record.planId ? ` plan ${record.planId}` : ''}`);
}

export class FileAuditLog implements AuditLog {
  readonly file: string;

  constructor(
    dir: string,
    private readonly logger?: AuditLogger,
  ) {
    this.file = join(resolve(dir), AUDIT_FILE);
  }

  async append(record: AuditRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    await mkdir(join(this.file, '..'), { recursive: true });
    const handle = await open(this.file, 'a', 0o600);
    try {
      await handle.write(line);
      await handle.sync();
    } finally {
      await handle.close();
    }
    logAuditRecord(this.logger, record);
  }

  async last(n: number): Promise<AuditRecord[]> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let text: string;
    if (size <= AUDIT_TAIL_BYTES) text = await readFile(this.file, 'utf8');
    else {
      const handle = await open(this.file, 'r');
      try {
        const buffer = Buffer.alloc(AUDIT_TAIL_BYTES);
        await handle.read(buffer, 0, AUDIT_TAIL_BYTES, size - AUDIT_TAIL_BYTES);
        // The first line is likely cut: dropped.
        text = buffer.toString('utf8').replace(/^[^\n]*\n/, '');
      } finally {
        await handle.close();
      }
    }
    return parseAuditLines(text).slice(-Math.max(0, n));
  }
}

/** The records of JSON-lines text; a damaged line (a torn write after a crash) is skipped, not fatal. */
export function parseAuditLines(text: string): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as AuditRecord;
      if (record && typeof record.at === 'string' && typeof record.event === 'string') records.push(record);
    } catch {
      // skipped
    }
  }
  return records;
}
