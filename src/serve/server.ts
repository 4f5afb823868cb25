/**
 * The HTTP server behind `nashra serve`: the output directory, read-only, with
 * the caching and compression feed readers expect from a polite origin.
 *
 * Each request reads its file anew (the writer replaces files by rename, so a
 * request sees the old file or the new one, never half of one); the ETag is a
 * digest of those bytes, so it changes exactly when the content does.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import fresh from 'fresh';
import { locate } from './locate.js';
import { negotiatedMediaType } from './mediaTypes.js';
import { chooseCoding, CompressionCache, contentDigest, entityTag } from './representation.js';
import { parseRequestPath } from './requestPath.js';

export interface ServeOptions {
  /** The directory served; nothing outside it is ever read for a request. */
  root: string;
  /** Default 127.0.0.1: reachable from this machine only. */
  host?: string;
  /** Default 8080; 0 picks any free port (see `RunningServer.url`). */
  port?: number;
  /** Receives one line per server-side problem; requests themselves are not logged. */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** Such as `http://127.0.0.1:8080/`. */
  url: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

const ALLOWED_METHODS = 'GET, HEAD';

/** Headers every response carries. */
const COMMON_HEADERS: OutgoingHttpHeaders = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

interface Snapshot {
  readonly bytes: Buffer;
  readonly modified: Date;
}

/**
 * Reads one regular file through one descriptor, so bytes and mtime belong to
 * the same inode even if the file is replaced meanwhile. O_NOFOLLOW refuses a
 * symlink swapped in after the path was checked; O_NONBLOCK keeps a FIFO from
 * stalling the request (it is then refused as not a regular file).
 */
async function readSnapshot(path: string): Promise<Snapshot | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    return { bytes: await handle.readFile(), modified: stats.mtime };
  } finally {
    await handle.close();
  }
}

function sendText(request: IncomingMessage, response: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  response.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.length,
    ...headers,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

interface Context {
  readonly root: string;
  readonly cache: CompressionCache;
  readonly log: (line: string) => void;
}

async function handle(request: IncomingMessage, response: ServerResponse, context: Context): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendText(request, response, 405, 'Method not allowed', { allow: ALLOWED_METHODS });
    return;
  }
  const target = parseRequestPath(request.url);
  if (target.kind === 'refused') {
    sendText(request, response, target.status, target.status === 400 ? 'Bad request' : 'Not found');
    return;
  }
  const located = await locate(context.root, target.segments, target.trailingSlash);
  if (located.kind === 'redirect') {
    sendText(request, response, 301, 'Moved permanently', { location: located.location });
    return;
  }
  const snapshot = located.kind === 'file' ? await readSnapshot(located.path) : undefined;
  if (located.kind === 'missing' && located.problem !== undefined) context.log(`nashra serve: ${located.problem}`);
  if (located.kind !== 'file' || snapshot === undefined) {
    sendText(request, response, 404, 'Not found');
    return;
  }

  const mediaType = negotiatedMediaType(located.name, request.headers.accept);
  const coding = chooseCoding(request.headers, mediaType, snapshot.bytes.length);
  const headers: OutgoingHttpHeaders = {
    ...COMMON_HEADERS,
    etag: entityTag(contentDigest(snapshot.bytes), coding),
    'last-modified': snapshot.modified.toUTCString(),
    vary: 'Accept-Encoding, Accept',
  };
  if (fresh(request.headers, headers)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const body = coding === 'identity' ? snapshot.bytes : await context.cache.get(located.path, String(headers.etag), coding, snapshot.bytes);
  response.writeHead(200, {
    ...headers,
    'content-type': mediaType,
    'content-length': body.length,
    ...(coding === 'identity' ? {} : { 'content-encoding': coding }),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** `http://host:port/`, with IPv6 addresses in brackets. */
function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

/** Starts serving `options.root`; resolves once the server is listening. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const context: Context = { root: resolve(options.root), cache: new CompressionCache(), log: options.log ?? (() => undefined) };
  const server = createServer((request, response) => {
    handle(request, response, context).catch((error: unknown) => {
      context.log(`nashra serve: ${request.method ?? '?'} ${JSON.stringify(request.url ?? '')} failed: ${describe(error)}`);
      if (!response.headersSent) sendText(request, response, 500, 'Internal server error');
      else response.destroy();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  server.on('error', (error) => context.log(`nashra serve: ${describe(error)}`));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  return {
    url: urlOf(address.address, address.port),
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.close((error) => (error ? reject(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
