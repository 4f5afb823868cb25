/**
 * The HTTP server behind `nashra serve`: the output directory, read-only, with
 * the caching and compression feed readers expect from a polite origin.
 *
 * Each request opens its file anew (the writer replaces files by rename, so a
 * request sees the old file or the new one, never half of one) and streams it
 * from that descriptor: memory does not grow with the number of clients. The
 * ETag is a digest of the bytes, computed once per file version; compressed
 * variants are made once per version, off the event loop (`Compressions`).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import fresh from 'fresh';
import { message, MessageError } from '../i18n/message.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './defaults.js';
import { Compressions } from './compressions.js';
import { Digests, openRegularFile, readVersion, type OpenFile } from './fileVersion.js';
import { lastModifiedOf } from './lastModified.js';
import { locate } from './locate.js';
import { negotiatedMediaType } from './mediaTypes.js';
import { chooseCoding, entityTag } from './representation.js';
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


const ALLOWED_METHODS = 'GET, HEAD';

/** Headers every response carries. */
const COMMON_HEADERS: OutgoingHttpHeaders = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

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
  readonly digests: Digests;
  readonly compressions: Compressions;
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
  const file = located.kind === 'file' ? await openRegularFile(located.path) : undefined;
  if (located.kind === 'missing' && located.problem !== undefined) context.log(`nashra serve: ${located.problem}`);
  if (located.kind !== 'file' || file === undefined) {
    sendText(request, response, 404, 'Not found');
    return;
  }
  try {
    await sendFile(request, response, context, { path: located.path, name: located.name, file });
  } finally {
    await file.handle.close();
  }
}

interface Served {
  readonly path: string;
  readonly name: string;
  readonly file: OpenFile;
}

/** Answers with the file: 304 when the client's copy is current, else its bytes in the best coding ready now. */
async function sendFile(request: IncomingMessage, response: ServerResponse, context: Context, { path, name, file }: Served): Promise<void> {
  const mediaType = negotiatedMediaType(name, request.headers.accept);
  const wanted = chooseCoding(request.headers, mediaType, file.size);
  const digest = await context.digests.of(path, file);
  const lastModified = lastModifiedOf(file.modifiedMs, new Date());
  const headersFor = (coding: typeof wanted): OutgoingHttpHeaders => ({
    ...COMMON_HEADERS,
    etag: entityTag(digest, coding),
    ...(lastModified === undefined ? {} : { 'last-modified': lastModified.toUTCString() }),
    vary: 'Accept-Encoding, Accept',
  });
  if (fresh(request.headers, headersFor(wanted))) {
    response.writeHead(304, headersFor(wanted));
    response.end();
    return;
  }
  const compressed = wanted === 'identity' ? undefined : await context.compressions.variant({ path, version: file.version, coding: wanted, read: () => readVersion(path, file.version) });
  const coding = compressed === undefined ? 'identity' : wanted;
  const headers = headersFor(coding);
  if (coding !== wanted && fresh(request.headers, headers)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': mediaType,
    'content-length': compressed?.length ?? file.size,
    ...(compressed === undefined ? {} : { 'content-encoding': coding }),
  });
  if (request.method === 'HEAD') response.end();
  else if (compressed !== undefined) response.end(compressed);
  else await streamFile(response, file);
}

/** The file's bytes from its open descriptor, as fast as the client takes them: never more than a chunk or two held per response. */
async function streamFile(response: ServerResponse, file: OpenFile): Promise<void> {
  if (file.size === 0) {
    response.end();
    return;
  }
  const body = file.handle.createReadStream({ start: 0, end: file.size - 1, autoClose: false, highWaterMark: 64 * 1024 });
  await pipeline(body, response).catch((error: unknown) => {
    // A client that went away is no server problem.
    if (!response.destroyed) throw error;
  });
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
  const log = options.log ?? (() => undefined);
  const context: Context = { root: resolve(options.root), digests: new Digests(), compressions: new Compressions({ log }), log };
  const server = createServer((request, response) => {
    handle(request, response, context).catch((error: unknown) => {
      context.log(`nashra serve: ${request.method ?? '?'} ${JSON.stringify(request.url ?? '')} failed: ${describe(error)}`);
      if (!response.headersSent) sendText(request, response, 500, 'Internal server error');
      else response.destroy();
    });
  });
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  await new Promise<void>((resolveListen, reject) => {
    // Usually the port is taken or the address is not this machine's: said in words, with the code.
    const refused = (error: NodeJS.ErrnoException) => reject(new MessageError(message('errors.cannotListen', { host, port, code: error.code ?? error.message }), { cause: error }));
    server.once('error', refused);
    server.listen(port, host, () => {
      server.off('error', refused);
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
