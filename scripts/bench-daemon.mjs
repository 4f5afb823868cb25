// What an editor waits for from `nashra schedule` (scripts/bench.mjs): how long after a post's
// publishAt it is in the feed, how long after saving a new post, and how long the daemon takes to
// stop on SIGTERM while it is building. The daemon runs as `nashra schedule --log-format json`
// (as tests/support/daemon.ts runs it); "in the feed" means the item is in <out>/en/feed.json,
// polled every 25 ms. Node built-ins only.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { asInstalled } from './bench-process.mjs';

const POLL_MS = 25;

async function waitUntil(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

/** The running daemon and its JSON log lines, each stamped with the moment it arrived here. */
function startDaemon({ cli, site, out, state }) {
  // As an installed `nashra` runs: see asInstalled.
  const installed = asInstalled(cli, ['schedule', '--log-format', 'json', '--config', site.config, '--posts', site.posts, '--out', out, '--state-dir', state]);
  const child = spawn(installed.command, installed.args, {
    cwd: site.root,
    env: installed.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const daemon = { child, lines: [], stderr: '', exit: undefined };
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) daemon.lines.push({ ...JSON.parse(part), receivedAt: Date.now() });
  });
  child.stderr.on('data', (chunk) => (daemon.stderr += chunk.toString('utf8')));
  daemon.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve((daemon.exit = { code, signal, at: Date.now() }))));
  return daemon;
}

/** The first build log line (or failure) after the first `after` lines. */
function buildLine(daemon, after, reason) {
  const line = daemon.lines.slice(after).find((l) => (l.event === 'build' && (!reason || l.reason === reason)) || l.event === 'build-failed' || l.event === 'refused');
  if (line && line.event !== 'build') throw new Error(`the daemon logged ${line.event}: ${line.message}\n${daemon.stderr}`);
  if (!line && daemon.exit) throw new Error(`the daemon exited (${JSON.stringify(daemon.exit)}):\n${daemon.stderr}`);
  return line;
}

/** Polls cheaply: the feed is read and parsed only when its inode, size or mtime moved, so the poll does not compete with the daemon for the CPU. */
function feedWatcher(out) {
  const file = join(out, 'en', 'feed.json');
  let lastSeen = '';
  return (title) => {
    try {
      const stats = statSync(file);
      const seen = `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
      if (seen === lastSeen) return undefined;
      const feed = JSON.parse(readFileSync(file, 'utf8'));
      lastSeen = seen;
      return feed.items.some((item) => item.title === title) ? Date.now() : undefined;
    } catch {
      return undefined; // not there yet, or being replaced
    }
  };
}

const probePost = (title, date, extra = '') =>
  `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\n${extra}categories: Statements\ntags: [detention]\n---\n\nA statement written by the benchmark to time the daemon.\n`;
const isoSecond = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
// Just after the generated corpus's newest article (2025-12-30), as a new post on a live site is just after the one before.
const PROBE_DATE = '2026-01-02T10:00:00Z';

/**
 * Runs the daemon on a site (paths as for `nashra schedule`) and measures, in order: its first
 * build; a new post saved until it is in the feed, then a second one (the first build after a
 * start renders the full texts the state directory does not hold yet, which a cold build with
 * `--no-cache` did not store; the second is what an editor meets on a running site); a post whose publishAt lies just after the
 * build that its saving causes, from publishAt until it is in the feed; SIGTERM during a build
 * until exit. `buildMs` is a guess at one build's length, used for timeouts and for spacing.
 */
export async function measureDaemon({ cli, site, out, state, debounceMs, buildMs, log }) {
  const patience = 60_000 + 10 * buildMs;
  const daemon = startDaemon({ cli, site, out, state });
  const feedHas = feedWatcher(out);
  try {
    const start = await waitUntil(() => buildLine(daemon, 0, 'start'), patience, 'the first build');
    log(`    daemon: first build ${start.durationMs} ms`);

    // A new post, saved: until it is in the feed.
    let seen = daemon.lines.length;
    const savedTitle = `Benchmark probe saved ${Date.now()}`;
    const savedFile = join(site.posts, 'en', 'bench-probe-saved.md');
    writeFileSync(savedFile, probePost(savedTitle, PROBE_DATE));
    const savedAt = Date.now();
    const savedAppeared = await waitUntil(() => feedHas(savedTitle), patience, 'the saved post in the feed');
    const changeBuild = await waitUntil(() => buildLine(daemon, seen, 'change'), patience, 'the build after the save');
    log(`    daemon: saved post in the feed after ${savedAppeared - savedAt} ms (build ${changeBuild.durationMs} ms)`);

    // Another new post, saved once the first is out.
    seen = daemon.lines.length;
    const nextTitle = `Benchmark probe saved next ${Date.now()}`;
    writeFileSync(join(site.posts, 'en', 'bench-probe-saved-next.md'), probePost(nextTitle, PROBE_DATE));
    const nextSavedAt = Date.now();
    const nextAppeared = await waitUntil(() => feedHas(nextTitle), patience, 'the next saved post in the feed');
    const nextBuild = await waitUntil(() => buildLine(daemon, seen, 'change'), patience, 'the build after the next save');
    log(`    daemon: next saved post in the feed after ${nextAppeared - nextSavedAt} ms (build ${nextBuild.durationMs} ms)`);

    // An embargoed post, saved so that its own change build is over before its publishAt.
    seen = daemon.lines.length;
    const lead = debounceMs + 2 * Math.max(changeBuild.durationMs, 200) + 3000;
    const publishAtMs = Math.ceil((Date.now() + lead) / 1000) * 1000;
    const publishAt = isoSecond(publishAtMs);
    const embargoTitle = `Benchmark probe embargoed until ${publishAt}`;
    writeFileSync(join(site.posts, 'en', 'bench-probe-embargo.md'), probePost(embargoTitle, PROBE_DATE, `publishAt: ${publishAt}\n`));
    const embargoSaveBuild = await waitUntil(() => buildLine(daemon, seen, 'change'), patience, 'the build after saving the embargoed post');
    const overlapped = embargoSaveBuild.receivedAt >= publishAtMs;
    const embargoAppeared = await waitUntil(() => feedHas(embargoTitle), patience + lead, 'the embargoed post in the feed');
    const publication = await waitUntil(() => daemon.lines.slice(seen).find((l) => l.event === 'build' && l.at === new Date(publishAtMs).toISOString()) ?? buildLine(daemon, seen, 'publication'), patience, 'the publication build');
    log(`    daemon: embargoed post in the feed ${embargoAppeared - publishAtMs} ms after publishAt (build for ${publication.at}, ${publication.durationMs} ms${overlapped ? '; its save build overlapped publishAt' : ''})`);
    for (const line of daemon.lines.slice(seen).filter((l) => l.event.startsWith('prepare'))) log(`    daemon: ${line.event}: ${line.message}`);

    // SIGTERM while the build after an edit runs.
    seen = daemon.lines.length;
    const peakRssKiB = peakRss(daemon.child.pid);
    appendFileSync(savedFile, '\nA second paragraph, added to start a build.\n');
    await sleep(debounceMs + 150 + Math.min(1000, Math.round(changeBuild.durationMs / 3)));
    const signalledAt = Date.now();
    daemon.child.kill('SIGTERM');
    // Unreferenced: the timeout must not keep the benchmark alive once the daemon is gone.
    const exit = await Promise.race([daemon.exited, sleep(patience, undefined, { ref: false })]);
    if (!exit) throw new Error('the daemon did not stop after SIGTERM');
    const after = daemon.lines.slice(seen);
    const finished = after.find((l) => l.event === 'build');
    const buildAtSignal = !finished ? 'none logged' : finished.receivedAt >= signalledAt ? 'running' : 'already over';
    log(`    daemon: SIGTERM to exit ${exit.at - signalledAt} ms (build at the signal: ${buildAtSignal}; exit ${exit.code ?? exit.signal})`);

    return {
      startBuildMs: start.durationMs,
      savedMs: savedAppeared - savedAt,
      savedBuildMs: changeBuild.durationMs,
      nextSavedMs: nextAppeared - nextSavedAt,
      nextSavedBuildMs: nextBuild.durationMs,
      embargoMs: embargoAppeared - publishAtMs,
      /** How far after publishAt the clock of the build that published it was. */
      embargoBuildLagMs: Date.parse(publication.at) - publishAtMs,
      embargoBuildMs: publication.durationMs,
      embargoOverlapped: overlapped,
      sigtermMs: exit.at - signalledAt,
      buildAtSignal,
      exitCode: exit.code,
      peakRssKiB,
    };
  } finally {
    if (!daemon.exit) daemon.child.kill('SIGKILL');
  }
}

/** A process's peak resident set (VmHWM) in KiB, from /proc on Linux; NaN elsewhere. */
function peakRss(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.replace(/\D+/g, '')) : NaN;
  } catch {
    return NaN;
  }
}
