import { fstatSync, writeSync } from 'node:fs';

/** Text to standard output, and `flush` for what is still buffered (call it before the process exits). */
export interface StdoutWriter {
  (text: string): void;
  flush(): void;
}

/** Bytes gathered before a write to a file (a fleet report comes host by host, ~1 KB each). */
const FILE_BUFFER_BYTES = 1 << 20;

/**
 * Writes text to standard output (`fd`). When that is a regular file (`kcd scan --json > report.json`), the text
 * is encoded into a buffer of its own and written with fs.writeSync when the buffer is full and at `flush`:
 * Node's stream for a file first turns each string into a Buffer of its own, and a report given as a few large
 * strings must be flattened and, for one non-ASCII character, widened first (measurements: bench/README.md,
 * session 5). Pipes and terminals keep process.stdout (a pipe may be non-blocking, where writeSync would fail
 * with EAGAIN), about 1 MB of text per write. Invariant: the bytes written are the texts, in order, whichever way.
 */
export function stdoutWriter(fd = 1, stream: { write(s: string): unknown } = process.stdout): StdoutWriter {
  let regularFile: boolean;
  try {
    regularFile = fstatSync(fd).isFile();
  } catch {
    regularFile = false;
  }
  if (!regularFile) {
    // A pipe or a terminal: the texts of about a buffer's worth go as one write (a report comes host by host).
    let parts: string[] = [];
    let chars = 0;
    const flushStream = () => {
      if (parts.length > 0) stream.write(parts.join(''));
      parts = [];
      chars = 0;
    };
    const writeStream = (text: string) => {
      parts.push(text);
      chars += text.length;
      if (chars >= FILE_BUFFER_BYTES) flushStream();
    };
    return Object.assign(writeStream, { flush: flushStream });
  }
  const buffer = Buffer.allocUnsafe(FILE_BUFFER_BYTES);
  let used = 0;
  const writeAll = (bytes: Buffer, length: number) => {
    for (let at = 0; at < length; ) at += writeSync(fd, bytes, at, length - at);
  };
  const flush = () => {
    if (used > 0) writeAll(buffer, used);
    used = 0;
  };
  const write = (text: string) => {
    // At most 3 bytes per UTF-16 unit: if it might not fit, make room first; text larger than the buffer goes alone.
    if (used + text.length * 3 > buffer.length) {
      flush();
      if (text.length * 3 > buffer.length) {
        const bytes = Buffer.from(text);
        writeAll(bytes, bytes.length);
        return;
      }
    }
    used += buffer.write(text, used);
  };
  return Object.assign(write, { flush });
}
