/**
 * Output too large to hold as one string: every sidecar's `/clusters` of a large mesh (3 x 1,000 pods:
 * 2,004,000 hosts, ~2 GB of text, beyond V8's longest string), an access log of millions of requests.
 * They are written a chunk at a time, synchronously, through a bounded buffer, so memory does not grow
 * with the output (issue #14). Shared by the commands that write views (`run`).
 */
import { accessSync, closeSync, constants, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './main.js';

/** Bytes kept before a write to the file (a few system calls per megabyte). */
export const FLUSH_BYTES = 1 << 20;

/**
 * A file written in order through a buffer of about FLUSH_BYTES. Nothing touches the file before the
 * first write or `close` (a run refused before it starts leaves an existing file as it was); a write
 * failure is a UsageError naming the file, as `writeOut`'s.
 */
export class BufferedFileWriter {
  private fd = -1;
  private parts: string[] = [];
  private buffered = 0;

  constructor(readonly path: string) {}

  /** Fails now, before a run, if the file could not be written (a missing directory, no permission). */
  checkWritable(): void {
    try {
      accessSync(this.path, constants.W_OK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw this.failure(e);
      try {
        accessSync(dirname(this.path), constants.W_OK);
      } catch (e2) {
        throw this.failure(e2);
      }
    }
  }

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
      throw this.failure(e);
    }
  }

  private open(): void {
    if (this.fd >= 0) return;
    try {
      this.fd = openSync(this.path, 'w');
    } catch (e) {
      throw this.failure(e);
    }
  }

  private failure(e: unknown): UsageError {
    return new UsageError(`cannot write ${this.path}: ${(e as Error).message}`);
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
  const file = new BufferedFileWriter(out);
  file.checkWritable();
  file.write(head);
  for (const c of chunks) file.write(c);
  file.close();
}
