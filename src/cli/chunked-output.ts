/**
 * Output too large to hold as one string: every sidecar's `/clusters` of a large mesh (3 x 1,000 pods:
 * 2,004,000 hosts, ~2 GB of text, beyond V8's longest string), an access log of millions of requests.
 * They are written a chunk at a time, synchronously, through a bounded buffer, so memory does not grow
 * with the output (issue #14). Shared by the commands that write views (`run`).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CliIo } from './main.js';
import { cannotWrite, checkWritable } from './writable.js';

/** Bytes kept before a write to the file (a few system calls per megabyte). */
export const FLUSH_BYTES = 1 << 20;

/**
 * A file written in order through a buffer of about FLUSH_BYTES. Nothing touches the file before the
 * first write or `close` (a run refused before it starts leaves an existing file as it was); a write
 * failure is a UsageError naming the file, `cannotWrite`'s (the caller checks the path first:
 * checkWritable, writable.ts).
 */
export class BufferedFileWriter {
  private fd = -1;
  private parts: string[] = [];
  private buffered = 0;

  constructor(readonly path: string) {}

  write(text: string): void {
    this.parts.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  /** Flushes and closes; creates the file (empty) if nothing was written. */
  close(): void {
    this.flush();
    this.open();
    closeSync(this.fd);
    this.fd = -1;
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    this.open();
    const bytes = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.buffered = 0;
    try {
      // writeSync may write less than asked (a full disk reports it on the next call).
      for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at);
    } catch (e) {
      throw cannotWrite(this.path, e);
    }
  }

  private open(): void {
    if (this.fd >= 0) return;
    try {
      this.fd = openSync(this.path, 'w');
    } catch (e) {
      throw cannotWrite(this.path, e);
    }
  }
}

/**
 * Writes `head` and then each chunk to stdout, or to the file `out`, never joining them. On stdout each
 * chunk waits for the reader (a pipe's reader may be slower than the run, and Node would buffer what it
 * does not take yet), and the rest is dropped once the reader has gone (`| head`), as every other output
 * of the CLI is.
 */
export async function writeChunks(
  io: CliIo,
  out: string | undefined,
  head: string,
  chunks: Iterable<string>,
): Promise<void> {
  if (out === undefined) {
    if (head !== '') io.stdout(head);
    for (const c of chunks) {
      if (io.stdoutReady !== undefined && !(await io.stdoutReady())) return;
      io.stdout(c);
    }
    return;
  }
  checkWritable(out);
  const file = new BufferedFileWriter(out);
  file.write(head);
  for (const c of chunks) file.write(c);
  file.close();
}
