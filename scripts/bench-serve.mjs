// What monitors polling `nashra schedule --serve` see while the daemon rebuilds (scripts/bench.mjs):
// requests per second and latency percentiles, over a load phase during which an edited post makes
// the daemon rebuild. `clients` keep-alive clients each ask, one request after another, for every
// file of the output in turn with `Accept-Encoding: gzip, br`; every response's body is checked
// for length. Node built-ins only.
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { asInstalled } from './bench-process.mjs';

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function timedGet(agent, url, path) {
  return new Promise((resolve) => {
    const started = performance.now();
    const outgoing = request(new URL(path, url), { agent, headers: { 'accept-encoding': 'gzip, br' } }, (incoming) => {
      let bytes = 0;
      incoming.on('data', (chunk) => (bytes += chunk.length));
      incoming.on('end', () => {
        const length = Number(incoming.headers['content-length']);
        const ok = incoming.statusCode === 200 && bytes === length;
        resolve({ ms: performance.now() - started, end: Date.now(), ok });
      });
    });
    outgoing.on('error', () => resolve({ ms: performance.now() - started, end: Date.now(), ok: false }));
    outgoing.end();
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Runs `nashra schedule --serve --port 0` on a site (paths as for `nashra schedule`), waits for
 * its first build, then loads it for at least `seconds` and until the rebuild that an edit of
 * `editFile` starts is over.
 */
export async function measureServing({ cli, site, out, state, editFile, clients = 32, seconds = 5, log }) {
  // As an installed `nashra` runs: see asInstalled.
  const installed = asInstalled(cli, ['schedule', '--serve', '--port', '0', '--log-format', 'json', '--config', site.config, '--posts', site.posts, '--out', out, '--state-dir', state]);
  const child = spawn(installed.command, installed.args, {
    cwd: site.root,
    env: installed.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const builds = [];
  let stderr = '';
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    const lines = (buffer + chunk.toString('utf8')).split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.includes('"event":"build"')) builds.push({ ...JSON.parse(line), receivedAt: Date.now() });
  });
  child.stderr.on('data', (chunk) => (stderr += chunk.toString('utf8')));
  try {
    for (let waited = 0; builds.length === 0 || !/serving \S+ at (\S+)/.test(stderr); waited += 50) {
      if (waited > 600_000 || child.exitCode !== null) throw new Error(`schedule --serve did not build and serve:\n${stderr}`);
      await sleep(50);
    }
    const url = /serving \S+ at (\S+)/.exec(stderr)[1];
    const paths = filesUnder(out).map((file) => `/${relative(out, file)}`);
    const agent = new Agent({ keepAlive: true, maxSockets: clients });
    const results = [];
    let stop = false;
    const client = async (offset) => {
      for (let n = offset; !stop; n += clients) results.push(await timedGet(agent, url, paths[n % paths.length]));
    };
    const started = Date.now();
    const load = Promise.all(Array.from({ length: clients }, (_, index) => client(index)));
    await sleep(500);
    const seen = builds.length;
    appendFileSync(editFile, '\nA sentence the serving benchmark adds to start a rebuild.\n');
    while (builds.length === seen || Date.now() - started < seconds * 1000) {
      if (child.exitCode !== null) throw new Error(`schedule --serve exited during the load:\n${stderr}`);
      await sleep(50);
    }
    stop = true;
    await load;
    agent.destroy();
    const elapsed = (Date.now() - started) / 1000;
    const rebuild = builds[seen];
    const rebuildStart = rebuild.receivedAt - rebuild.durationMs;
    const duringRebuild = results.filter((r) => r.end >= rebuildStart && r.end <= rebuild.receivedAt);
    const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
    const summary = {
      requests: results.length,
      failed: results.filter((r) => !r.ok).length,
      perSecond: results.length / elapsed,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1),
      rebuildMs: rebuild.durationMs,
      answeredDuringRebuild: duringRebuild.length,
      clients,
      files: paths.length,
    };
    log(`    serve: ${summary.requests} requests in ${elapsed.toFixed(1)} s from ${clients} clients, ${summary.failed} failed, p99 ${summary.p99Ms.toFixed(0)} ms; ${summary.answeredDuringRebuild} answered during the ${rebuild.durationMs} ms rebuild`);
    return summary;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}
