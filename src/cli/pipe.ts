/**
 * `meshsim run ... | head`: when the reader of stdout goes away, writes fail with EPIPE (Node ignores
 * SIGPIPE). The CLI then stops writing to stdout, quietly, and finishes: stderr (gate verdicts) and the
 * exit code still tell the truth, and no "Unhandled 'error' event" stack trace is printed.
 */
export interface QuietStream {
  write(text: string): void;
  /**
   * Resolves once the stream's buffer has drained (at once while it is below its high-water mark), to
   * false if it has closed. A pipe's reader may be slower than the writer, and Node buffers what the
   * pipe does not take: output written a chunk at a time waits here, so memory does not grow with it.
   */
  ready(): Promise<boolean>;
  readonly closed: boolean;
}

export function quietOnClosedPipe(stream: NodeJS.WriteStream): QuietStream {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (!closed && e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED')
      process.stderr.write(`meshsim: cannot write the output: ${e.message}\n`);
    closed = true;
  });
  return {
    write(text: string) {
      if (!closed) stream.write(text);
    },
    ready() {
      if (closed) return Promise.resolve(false);
      if (!stream.writableNeedDrain) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('close', done);
          stream.off('error', done);
          resolve(!closed);
        };
        stream.on('drain', done);
        stream.on('close', done);
        stream.on('error', done);
      });
    },
    get closed() {
      return closed;
    },
  };
}
