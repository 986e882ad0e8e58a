import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BufferedFileWriter, FLUSH_BYTES, writeChunks } from '../../src/cli/chunked-output.js';
import { UsageError } from '../../src/cli/exit-codes.js';
import { quietOnClosedPipe } from '../../src/cli/pipe.js';
import { clustersChunks, renderClusters } from '../../src/report/envoy-admin.js';
import { runWithViews } from '../../src/run/views-run.js';
import type { SidecarView } from '../../src/run/sidecar-views.js';
import { cli, fakeIo } from '../support/cli.js';
import { loadModel } from '../support/run-model.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'meshsim-chunks-'));

describe('BufferedFileWriter (views too large for one string, issue #14)', () => {
  it('keeps at most FLUSH_BYTES: nothing on disk one below it, everything at it, in order', () => {
    const path = join(tmp(), 'out.txt');
    const w = new BufferedFileWriter(path);
    const a = 'a'.repeat(FLUSH_BYTES - 2);
    w.write(a);
    w.write('b');
    expect(existsSync(path)).toBe(false); // FLUSH_BYTES - 1 buffered: not written yet
    w.write('c'); // exactly FLUSH_BYTES
    expect(readFileSync(path, 'utf8')).toBe(`${a}bc`);
    w.write('dé\n');
    expect(readFileSync(path, 'utf8')).toBe(`${a}bc`);
    w.close();
    expect(readFileSync(path, 'utf8')).toBe(`${a}bcdé\n`);
  });

  it('leaves an existing file as it was until it writes, and creates an empty one when closed unwritten', () => {
    const dir = tmp();
    const kept = join(dir, 'kept.log');
    writeFileSync(kept, 'earlier run\n');
    const w = new BufferedFileWriter(kept);
    w.write('x');
    expect(readFileSync(kept, 'utf8')).toBe('earlier run\n');
    const empty = join(dir, 'empty.log');
    new BufferedFileWriter(empty).close();
    expect(readFileSync(empty, 'utf8')).toBe('');
  });

  it('a path it cannot open fails on the first write to disk, naming the file', () => {
    const path = join(tmp(), 'no-such-dir', 'out.txt');
    const w = new BufferedFileWriter(path);
    w.write('x'); // buffered: nothing opened yet
    expect(() => w.close()).toThrow(UsageError);
    expect(() => new BufferedFileWriter(path).close()).toThrow(`cannot write ${path}: ENOENT`);
  });
});

describe('writeChunks', () => {
  it('to a file: the head, then the chunks, byte for byte', async () => {
    const path = join(tmp(), 'v.txt');
    await writeChunks(fakeIo(), path, '# head\n', ['one\n', 'two\n']);
    expect(readFileSync(path, 'utf8')).toBe('# head\none\ntwo\n');
  });

  it('to stdout: waits for the reader before each chunk and stops pulling once it has gone', async () => {
    const io = fakeIo();
    let asked = 0;
    io.stdoutReady = async () => ++asked <= 2;
    let pulled = 0;
    function* chunks() {
      for (let i = 0; i < 5; i++) {
        pulled++;
        yield `c${i}\n`;
      }
    }
    await writeChunks(io, undefined, 'h\n', chunks());
    expect(io.out).toBe('h\nc0\nc1\n');
    expect(asked).toBe(3);
    expect(pulled).toBe(3); // the third chunk was built, then the reader was found gone: no more
  });
});

describe('QuietStream.ready (a slow pipe reader)', () => {
  it('resolves at once below the high-water mark, after the drain above it, false once closed', async () => {
    let release: (() => void) | undefined;
    const stream = new Writable({
      highWaterMark: 4,
      write(_chunk, _enc, cb) {
        release = cb;
      },
    }) as unknown as NodeJS.WriteStream;
    const q = quietOnClosedPipe(stream);
    expect(await q.ready()).toBe(true);
    q.write('abc'); // 3 < 4
    expect(await q.ready()).toBe(true);
    q.write('de'); // 5 >= 4: needs a drain
    let done: boolean | undefined;
    const waiting = q.ready().then((v) => {
      done = v;
    });
    await new Promise((r) => setImmediate(r));
    expect(done).toBeUndefined();
    release!(); // 'abc' written
    await new Promise((r) => setImmediate(r));
    expect(done).toBeUndefined(); // 'de' still buffered
    release!();
    await waiting;
    expect(done).toBe(true);
    q.write('more than four'); // buffered again
    const gone = q.ready();
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(await gone).toBe(false);
    expect(q.closed).toBe(true);
    expect(await q.ready()).toBe(false);
  });
});

describe("every sidecar's /clusters (-f envoy-clusters without --pod)", () => {
  it('is built and rendered one sidecar at a time', () => {
    const view = (pod: string): SidecarView => ({
      pod,
      namespace: 'ns',
      ip: '10.0.0.1',
      clusters: [],
      http: {},
    });
    let pulled = 0;
    const views = {
      *[Symbol.iterator]() {
        for (const p of ['a', 'b', 'c']) {
          pulled++;
          yield view(p);
        }
      },
    };
    const it = clustersChunks(views, true);
    expect(it.next().value).toBe('# a\n');
    expect(pulled).toBe(1);
    expect([...it]).toEqual(['# b\n', '# c\n']);
    expect([...clustersChunks([view('a')], false)]).toEqual(['\n']); // no lines: one newline, as before
  });

  it('prints through the CLI exactly what the joined rendering gives, to stdout and to a file', async () => {
    const args = ['run', 'models/outlier/one-bad-of-five.scenario.yaml', '-d', '3s', '-f', 'envoy-clusters'];
    const out = await cli(...args);
    expect(out.code).toBe(0);
    const path = join(tmp(), 'clusters.txt');
    const file = await cli(...args, '-o', path);
    expect(file.code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(out.out);
    const loaded = await loadModel('models/outlier/one-bad-of-five.scenario.yaml');
    const ran = runWithViews(loaded, { durationMs: 3000 }, { sidecars: true });
    if (ran.kind !== 'ran') throw new Error(ran.kind);
    const views = [...ran.sidecars!];
    expect(views.length).toBe(ran.sidecars!.count);
    expect(views.length).toBeGreaterThan(2);
    expect(out.out).toBe(renderClusters(views));
    expect(out.out.match(/^# /gm)).toHaveLength(views.length);
    expect(out.out).toContain('::health_flags::');
  }, 60_000);
});
