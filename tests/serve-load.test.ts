/**
 * `nashra serve` under load, on 127.0.0.1: many concurrent clients, large
 * files, every file asked for compressed. Asserted on behaviour (which
 * compressions ran, at what quality, what a request waited for, how many bytes
 * the process holds), never on how long anything took.
 *
 * node:zlib's compressors are wrapped so that the test sees every compression
 * the server starts and can hold them back, as a slow brotli pass would.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../src/serve/server.js';
import { Daemon, waitUntil } from './support/daemon.js';
import { collectGarbage } from './support/garbage.js';
import { post, runCli, siteOnDisk } from './support/site.js';

type Callback = (error: Error | null, result: Buffer) => void;
interface Compression {
  readonly coding: 'br' | 'gzip';
  readonly size: number;
  readonly quality: number;
}

const zlibSpy = vi.hoisted(() => ({
  started: [] as { coding: 'br' | 'gzip'; size: number; quality: number }[],
  hold: false,
  held: [] as (() => void)[],
}));

vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  const run = (start: () => void): void => {
    if (zlibSpy.hold) zlibSpy.held.push(start);
    else start();
  };
  return {
    ...zlib,
    brotliCompress: (bytes: Buffer, options: import('node:zlib').BrotliOptions, callback: Callback) => {
      zlibSpy.started.push({ coding: 'br', size: bytes.length, quality: Number(options.params?.[zlib.constants.BROTLI_PARAM_QUALITY] ?? 11) });
      run(() => zlib.brotliCompress(bytes, options, callback));
    },
    gzip: (bytes: Buffer, options: import('node:zlib').ZlibOptions, callback: Callback) => {
      zlibSpy.started.push({ coding: 'gzip', size: bytes.length, quality: options.level ?? -1 });
      run(() => zlib.gzip(bytes, options, callback));
    },
  };
});

function release(): void {
  zlibSpy.hold = false;
  for (const start of zlibSpy.held.splice(0)) start();
}

afterEach(release);

function heldBytes(): number {
  collectGarbage();
  return process.memoryUsage().arrayBuffers;
}

const MiB = 1024 * 1024;

/** Text that compresses like a feed: repeated markup around varying words. */
function feedLike(bytes: number, seed: string): Buffer {
  const parts: string[] = [];
  let length = 0;
  for (let n = 0; length < bytes; n++) {
    const part = `{"id":"https://rights.example.org/${seed}/s-${n}/","title":"Statement ${n} on ${seed}","related":[${n % 97},${(n * 7) % 89}]},\n`;
    parts.push(part);
    length += part.length;
  }
  return Buffer.from(parts.join('').slice(0, bytes));
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function decodedBody(reply: Reply): Buffer {
  if (reply.headers['content-encoding'] === 'br') return brotliDecompressSync(reply.body);
  if (reply.headers['content-encoding'] === 'gzip') return gunzipSync(reply.body);
  return reply.body;
}

/** Sends a request and resolves with the response once its headers arrived, its body not yet read. */
function open(origin: URL, path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: origin.hostname, port: origin.port, path, headers, agent: false }, resolve);
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function readAll(incoming: IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('error', reject);
    incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
  });
}

async function send(origin: URL, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return readAll(await open(origin, path, headers));
}

/** Reads a body without keeping it: its length and digest. */
function digestBody(incoming: IncomingMessage): Promise<{ length: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let length = 0;
    incoming.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    incoming.on('error', reject);
    incoming.on('end', () => resolve({ length, sha256: hash.digest('hex') }));
  });
}

/** Rejects with `what` if `promise` has not settled after ten seconds: a hang, reported as a failure rather than a test timeout. */
function unlessStuck<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), 10_000);
  });
  return Promise.race([promise, stuck]).finally(() => clearTimeout(timer));
}

let base: string;
let server: RunningServer;
let origin: URL;
const files = new Map<string, Buffer>();

async function put(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(join(base, path)), { recursive: true });
  await writeFile(join(base, path), bytes);
  files.set(path, bytes);
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'nashra-serve-load-'));
  await put('en/related.json', feedLike(2 * MiB, 'related'));
  await put('en/feed.json', feedLike(300 * 1024, 'feed'));
  await put('ar/feed.json', feedLike(40 * 1024, 'ar'));
  for (let n = 0; n < 12; n++) await put(`en/archive/${n}/feed.json`, feedLike(8 * 1024 + n * 1000, `archive-${n}`));
  await put('logo.png', Buffer.alloc(4096, 9));
  server = await startServer({ root: base, port: 0 });
  origin = new URL(server.url);
});

afterAll(async () => {
  release();
  await server?.close();
  await rm(base, { recursive: true, force: true });
});

describe('compression under load', () => {
  it('compresses each file version once per coding, however often and however concurrently it is asked for', async () => {
    const paths = [...files.keys()];
    const first = zlibSpy.started.length;
    // All at once, again and again, until every compressible file comes compressed.
    await waitUntil(async () => {
      const replies = await Promise.all(paths.map((path) => send(origin, `/${path}`, { 'accept-encoding': 'br' })));
      replies.forEach((reply, index) => {
        expect(reply.status).toBe(200);
        expect(decodedBody(reply).equals(files.get(paths[index] ?? '') ?? Buffer.alloc(0))).toBe(true);
      });
      return replies.filter((reply) => reply.headers['content-encoding'] === 'br').length === paths.length - 1 ? true : undefined;
    });
    await Promise.all(paths.map((path) => send(origin, `/${path}`, { 'accept-encoding': 'br' })));
    const compressed = zlibSpy.started.slice(first).filter((run) => run.coding === 'br');
    // Every file but the PNG, each once.
    expect(compressed).toHaveLength(paths.length - 1);
    expect(new Set(compressed.map((run) => run.size)).size).toBe(paths.length - 1);
  });

  it('uses brotli quality 11 only where it is cheap: small files; a large one gets a quality that costs milliseconds', async () => {
    await send(origin, '/en/related.json', { 'accept-encoding': 'br' });
    await send(origin, '/en/archive/0/feed.json', { 'accept-encoding': 'br' });
    const bySize = (size: number, coding: string): Compression | undefined => zlibSpy.started.find((run) => run.size === size && run.coding === coding);
    expect(bySize(files.get('en/archive/0/feed.json')?.length ?? 0, 'br')?.quality).toBe(constants.BROTLI_MAX_QUALITY);
    expect(bySize(2 * MiB, 'br')?.quality).toBeLessThanOrEqual(9);
  });

  it('answers a request for another file at once while a compression is running, uncompressed until its own is ready', async () => {
    await writeFile(join(base, 'en/big.json'), feedLike(MiB, 'big'));
    const smallFile = feedLike(9000, 'small');
    await writeFile(join(base, 'en/small.json'), smallFile);
    zlibSpy.hold = true;
    const big = send(origin, '/en/big.json', { 'accept-encoding': 'br' });
    await waitUntil(() => (zlibSpy.held.length > 0 ? true : undefined));

    const small = await unlessStuck(send(origin, '/en/small.json', { 'accept-encoding': 'br, gzip' }), 'a small request waited behind a compression');
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.equals(smallFile)).toBe(true);

    release();
    const bigReply = await big;
    expect(bigReply.headers['content-encoding']).toBe('br');
    expect(decodedBody(bigReply).equals(feedLike(MiB, 'big'))).toBe(true);
    // The small file's compression ran after the big one and serves the next request.
    const compressed = await waitUntil(async () => {
      const reply = await send(origin, '/en/small.json', { 'accept-encoding': 'br' });
      return reply.headers['content-encoding'] === 'br' ? reply : undefined;
    });
    expect(decodedBody(compressed).equals(smallFile)).toBe(true);
    expect(zlibSpy.started.filter((run) => run.size === smallFile.length && run.coding === 'br')).toHaveLength(1);
  });
});

describe('memory under load', () => {
  it('holds a large file once, not once per request: 50 slow clients of a 12 MiB file', async () => {
    // Larger than what the kernel's socket buffers take off the server's hands on loopback.
    const large = feedLike(12 * MiB, 'large');
    await writeFile(join(base, 'en/large.json'), large);
    const before = heldBytes();
    const responses = await Promise.all(Array.from({ length: 50 }, () => open(origin, '/en/large.json')));
    for (const response of responses) response.pause();
    // Every response has begun; none of their bodies has been read.
    expect(heldBytes() - before).toBeLessThan(32 * MiB);

    const bodies = await Promise.all(
      responses.map((response) => {
        const body = digestBody(response);
        response.resume();
        return body;
      }),
    );
    for (const body of bodies) expect(body).toEqual({ length: large.length, sha256: sha256(large) });
  });

  it('serves a few hundred concurrent mixed requests correctly, decoded, with the right statuses, in bounded memory', async () => {
    const paths = [...files.keys()];
    const codings = ['', 'gzip', 'br', 'gzip, br', 'identity'];
    const tags = new Map<string, string>();
    for (const path of paths) tags.set(path, (await send(origin, `/${path}`)).headers.etag ?? '');
    const before = heldBytes();

    interface Ask {
      readonly path: string;
      readonly headers: Record<string, string>;
      readonly expect: 200 | 304 | 404;
      readonly file: string;
    }
    const asks = Array.from({ length: 400 }, (_, n): Ask => {
      const file = paths[n % paths.length] ?? '';
      if (n % 10 === 9) return { path: `/missing-${n}.json`, headers: {}, expect: 404, file };
      if (n % 10 === 8) return { path: `/${file}`, headers: { 'if-none-match': tags.get(file) ?? '' }, expect: 304, file };
      const coding = codings[n % codings.length] ?? '';
      return { path: `/${file}`, headers: coding === '' ? {} : { 'accept-encoding': coding }, expect: 200, file };
    });
    const replies = await Promise.all(asks.map((ask) => send(origin, ask.path, ask.headers)));
    const after = heldBytes() - before;

    asks.forEach((ask, n) => {
      const reply = replies[n];
      expect(reply?.status, ask.path).toBe(ask.expect);
      if (reply === undefined || ask.expect !== 200) return;
      expect(decodedBody(reply).equals(files.get(ask.file) ?? Buffer.alloc(0)), `${ask.path} ${JSON.stringify(ask.headers)}`).toBe(true);
      expect(reply.headers['content-length']).toBe(String(reply.body.length));
    });
    // The replies themselves are held by this test: what the server keeps is the rest.
    const repliesBytes = replies.reduce((sum, reply) => sum + reply.body.length, 0);
    expect(after - repliesBytes).toBeLessThan(64 * MiB);
  });
});

describe('nashra schedule --serve', () => {
  const daemons: Daemon[] = [];
  afterAll(() => {
    for (const daemon of daemons) daemon.signal('SIGKILL');
  });

  it('answers requests while a build is running: builds are off the serving thread', async () => {
    const site = await siteOnDisk({ 'en/fine.md': post('title: Fine\ndate: 2026-01-02T00:00:00Z') }, { schedule: { cron: '0 0 1 1 *' }, limits: { renderMs: 600_000 } });
    expect((await runCli(['build'], site)).code).toBe(0);
    // Markdown whose rendering takes minutes: the daemon's first build is still running when the request comes.
    await writeFile(join(site, 'posts/en/slow.md'), post('title: Slow\ndate: 2026-01-01T00:00:00Z', `Opening.\n\n${'_a'.repeat(200_000)}\n`));
    const daemon = new Daemon(site, ['--serve', '--port', '0']);
    daemons.push(daemon);
    await daemon.waitFor((line) => line.event === 'start', 20_000);
    const url = await waitUntil(() => /serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(daemon.errors)?.[1]);

    const reply = await unlessStuck(send(new URL(url), '/en/feed.json'), 'the request waited for the build');
    expect(reply.status).toBe(200);
    expect((JSON.parse(reply.body.toString('utf8')) as { items: { title: string }[] }).items.map((item) => item.title)).toEqual(['Fine']);
    // The build had not finished when the answer came.
    expect(daemon.lines.some((line) => line.event === 'build')).toBe(false);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 60_000);
});
