/**
 * `meshsim run ... | head`: when the reader of stdout goes away, writes fail with EPIPE (Node ignores
 * SIGPIPE). The CLI then stops writing to stdout, quietly, and finishes: stderr (gate verdicts) and the
 * exit code still tell the truth, and no "Unhandled 'error' event" stack trace is printed.
 */
export interface QuietStream {
  write(text: string): void;
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
    get closed() {
      return closed;
    },
  };
}
