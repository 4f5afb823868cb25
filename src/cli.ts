#!/bin/sh
//usr/bin/env true; case "$1" in schedule) export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}";; build) export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-1048576}";; esac; exec node "$0" "$@"
// The line above is a comment to JavaScript and a command to sh: run as `nashra schedule` or `nashra build` (the
// package's bin), this file starts Node with glibc's mmap threshold fixed. glibc otherwise raises the threshold to the
// largest block it has unmapped (a build frees typed arrays of megabytes); blocks below it then come from its heap, and
// the holes they leave stay resident. The daemon at 5,000 articles peaked at 470-494 MB without, 397-428 MB with 128 kB;
// a build after an edit at 10,000 articles at 425-448 MB without, 392 MB with 1 MB, which maps and unmaps less than
// 128 kB for a cold build (docs/performance.md, sessions 15 and 17). A value the user sets is kept; other commands, and
// `node dist/cli.js`, run without it.
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { IANAZone } from 'luxon';
import { build as buildFeeds, buildPaths, type BuildResult } from './api.js';
import { BuildSetupError, loadConfigFile, openPostsDir, postsNaming } from './build.js';
import { DEFAULT_CONFIG_FILE } from './config.js';
import { diagnosticFormatter, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { EXIT } from './exitCodes.js';
import { translator } from './i18n/index.js';
import { englishText, message, MessageError, renderMessage, type Message } from './i18n/message.js';
import { farFutureDates } from './load/plausibleDates.js';
import type { DiskSource } from './load/readPosts.js';
import type { StarterFile } from './init/starter.js';
import type { LogFormat } from './schedule/daemon.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './serve/defaults.js';
import { StageTimes } from './stageTimes.js';
import type { Previous } from './state/published.js';
import { openPrevious, resolveStateDir } from './state/store.js';
import { packageVersion } from './version.js';

// Each command loads what only it needs when it runs: a build that finds nothing changed, the
// cron tick of a quiet day, starts in a fraction of the time it takes to load the whole pipeline.

interface CommonOptions {
  config: string;
  posts: string;
  out: string;
  stateDir?: string;
  now?: string;
  strict?: boolean;
  allowShrink?: boolean;
  /** False with --no-cache. */
  cache?: boolean;
  timings?: boolean;
}

const uiLanguage = (process.env.NASHRA_LANG ?? process.env.LANG ?? 'en').slice(0, 2) === 'ar' ? 'ar' : 'en';
const t = translator(uiLanguage);
const formatDiagnostic = diagnosticFormatter(t);

function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  // One write: standard error is written synchronously to files and pipes, a system call per write (35 ms for 1,700 warnings).
  if (diagnostics.length > 0) process.stderr.write(diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join(''));
}

/** A problem that is not a post's: `nashra: ` and the sentence, in the reader's language. */
function printProblem(text: Message): void {
  process.stderr.write(`nashra: ${renderMessage(text, t)}\n`);
}

/** A mistake on the command line. */
class UsageError extends MessageError {}

async function parseNow(value: string, timeZone: string): Promise<Date> {
  const { parseIsoDate } = await import('./load/isoDate.js');
  const date = parseIsoDate(value, timeZone);
  if (!date) throw new UsageError(message('errors.badNow', { value }));
  return date;
}

function countPosts(perLanguage: Record<string, number>): string {
  return Object.entries(perLanguage)
    .map(([lang, count]) => `${lang} ${t('cli.posts', { count })}`)
    .join(t('cli.separator'));
}

/** " (held back: 1 scheduled, 1 draft)" when the folder holds posts the feeds do not carry yet or any more. */
function heldBack(held: BuildResult['held']): string {
  const parts = [
    held.scheduled > 0 ? t('plan.scheduled', { count: held.scheduled }) : '',
    held.draft > 0 ? t('plan.drafts', { count: held.draft }) : '',
    held.expired > 0 ? t('plan.expired', { count: held.expired }) : '',
  ].filter(Boolean);
  return parts.length === 0 ? '' : t('plan.heldBack', { held: parts.join(t('cli.separator')) });
}

async function build(options: CommonOptions): Promise<number> {
  const now = options.now ? await parseNow(options.now, (await loadConfigFile(options.config)).timeZone) : undefined;
  const started = performance.now();
  const stages = new StageTimes(() => performance.now());
  const showProgress = process.stderr.isTTY === true;
  const result = await buildFeeds({
    config: options.config,
    posts: options.posts,
    out: options.out,
    stateDir: options.stateDir,
    strict: options.strict,
    allowShrink: options.allowShrink,
    cache: options.cache,
    ...(now ? { now } : {}),
    onLoad: (done, total) => {
      if (showProgress && total > 500 && done % 100 === 0) process.stderr.write(`\r${t('cli.progress', { done, total })}`);
    },
    onBuild: capHeapGrowth,
    // After loading, a long build says what it is doing rather than sit silent for seconds.
    onPhase: (phase, posts) => {
      stages.enter(phase);
      if (showProgress) process.stderr.write(`\r\u001b[K${t(`cli.phase.${phase}`, { count: posts })}`);
    },
  });
  if (showProgress) process.stderr.write('\r\u001b[K');
  if (options.timings) {
    const split = stages.finish().map(({ stage, ms }) => t(`cli.stage.${stage}`, { time: t('cli.seconds', { seconds: (ms / 1000).toFixed(2) }) }));
    process.stderr.write(`${t('cli.timings', { stages: split.join(t('cli.separator')) })}\n`);
  }
  printDiagnostics(result.diagnostics);
  if (result.exitCode === EXIT.postErrors && result.problems.length > 0) {
    process.stderr.write(`${t('cli.nothingWritten')}\n`);
    return result.exitCode;
  }
  for (const problem of result.problemTexts) printProblem(problem);
  if (result.exitCode === EXIT.usage) return result.exitCode;
  if (result.exitCode !== EXIT.ok && result.exitCode !== EXIT.postErrors) return result.exitCode;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  process.stdout.write(
    `${t('cli.summary', {
      posts: `${countPosts(result.posts)}${heldBack(result.held)}`,
      written: t('cli.feedsWritten', { count: result.written.length }),
      unchanged: t('cli.feedsUnchanged', { count: result.unchanged.length }),
      skipped: t('cli.skipped', { count: result.skipped.length }),
      time: t('cli.seconds', { seconds }),
    })}\n`,
  );
  return result.exitCode;
}

async function init(dir: string, options: { baseUrl: string; timeZone: string }): Promise<number> {
  if (!IANAZone.isValidZone(options.timeZone)) throw new UsageError(message('errors.badTimeZone', { value: options.timeZone }));
  if (!URL.canParse(options.baseUrl) || !/^https?:$/.test(new URL(options.baseUrl).protocol)) throw new UsageError(message('errors.badBaseUrl', { value: options.baseUrl }));
  const { starterSite } = await import('./init/starter.js');
  const files = starterSite({ now: new Date(), timeZone: options.timeZone, baseUrl: options.baseUrl, siteName: { en: 'My site', ar: 'موقعي' } });
  return writeStarter(dir, files, 'starter.initDone');
}

async function newPost(slug: string, options: CommonOptions & { lang?: string[] }): Promise<number> {
  const { newPostFiles, slugProblem } = await import('./init/starter.js');
  if (slugProblem(slug)) throw new UsageError(message('starter.badSlug', { slug }));
  const config = await loadConfigFile(options.config);
  const configured = Object.keys(config.languages);
  const unknown = (options.lang ?? []).filter((lang) => !configured.includes(lang));
  if (unknown.length > 0) throw new UsageError(message('errors.unknownLanguages', { unknown: unknown.join(' '), configured }));
  const languages = options.lang ?? configured;
  if (languages.length === 0) throw new UsageError(message('starter.noLanguages'));
  return writeStarter('.', newPostFiles({ slug, languages, now: new Date(), timeZone: config.timeZone, postsDir: options.posts }), 'starter.newDone');
}

async function writeStarter(root: string, files: readonly StarterFile[], done: 'starter.initDone' | 'starter.newDone'): Promise<number> {
  const { FilesInTheWay, writeStarterFiles } = await import('./init/write.js');
  try {
    const written = await writeStarterFiles(root, files);
    process.stdout.write(`${t(done, { files: written.map((path) => join(root, path)).join(t('cli.separator')) })}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof FilesInTheWay)) throw error;
    process.stderr.write(`nashra: ${t('starter.inTheWay', { count: error.paths.length, files: error.paths.map((path) => join(root, path)).join(t('cli.separator')) })}\n`);
    return EXIT.usage;
  }
}

/** The posts folder as a build lists it: a file the last build published stays a post wherever it sits. */
function postsAsBuilt(options: CommonOptions): { source: DiskSource; previous: Previous } {
  const { previous } = openPrevious(resolveStateDir(options.stateDir, options.config), postsNaming(options.posts));
  return { source: openPostsDir(options.posts, (path) => previous.byPath(path) !== undefined), previous };
}

async function plan(options: CommonOptions & { json?: boolean }): Promise<number> {
  const [{ loadPosts }, { publicationPlan }, { formatPlan, planJson }] = await Promise.all([import('./load/loadPosts.js'), import('./schedule/plan.js'), import('./schedule/planText.js')]);
  const config = await loadConfigFile(options.config);
  const now = options.now ? await parseNow(options.now, config.timeZone) : new Date();
  const loaded = loadPosts(postsAsBuilt(options).source.files, config);
  const entries = publicationPlan(loaded.posts, now);
  const broken = new Set(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file)).size;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ now: now.toISOString(), timeZone: config.timeZone, entries: entries.map(planJson), filesWithErrors: broken }, null, 2)}\n`);
  } else {
    process.stdout.write(formatPlan(entries, now, config.timeZone, uiLanguage, t));
    if (broken > 0) process.stderr.write(`${t('plan.broken', { count: broken })}\n`);
  }
  return broken > 0 ? EXIT.postErrors : EXIT.ok;
}

async function check(options: CommonOptions): Promise<number> {
  const [{ loadPosts }, { undatedCorrections, undatedWarning }, { imageDiagnostics }] = await Promise.all([import('./load/loadPosts.js'), import('./state/corrections.js'), import('./media/staticFolder.js')]);
  const config = await loadConfigFile(options.config);
  const now = options.now ? await parseNow(options.now, config.timeZone) : new Date();
  // What the last build published, to list the corrections its feeds do not date.
  const { source, previous } = postsAsBuilt(options);
  const result = loadPosts(source.files, config);
  const undated = undatedCorrections(result.posts, previous);
  const diagnostics = sortDiagnostics([...result.diagnostics, ...farFutureDates(result.posts, now), ...undated.map((correction) => undatedWarning(correction)), ...imageDiagnostics(result.posts, config, options.config)]);
  printDiagnostics(diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (undated.length > 0) {
    const files = undated.map(({ post }) => `  ${post.sourcePath}  ${post.title}`);
    process.stdout.write(`${t('cli.undatedCorrections', { count: undated.length })}\n${files.join('\n')}\n`);
  }
  process.stdout.write(
    `${t('cli.checkSummary', {
      posts: t('cli.posts', { count: source.count }),
      errors: t('cli.errors', { count: errors }),
      warnings: t('cli.warnings', { count: warnings }),
    })}\n`,
  );
  return errors > 0 ? EXIT.postErrors : EXIT.ok;
}

async function related(slug: string, options: CommonOptions & { lang?: string }): Promise<number> {
  const [{ loadPosts }, { explainLivePost, TermIndex, versionFor }, { isLive }] = await Promise.all([import('./load/loadPosts.js'), import('./relate/index.js'), import('./schedule/embargo.js')]);
  const config = await loadConfigFile(options.config);
  const now = options.now ? await parseNow(options.now, config.timeZone) : new Date();
  const source = openPostsDir(options.posts);
  const terms = new TermIndex();
  const loaded = loadPosts(source.files, config, { terms });
  const live = loaded.posts.filter((post) => isLive(post, now));
  const post = live
    .filter((candidate) => options.lang === undefined || candidate.lang === options.lang)
    .find((candidate) => candidate.slug === slug || candidate.translationKey === slug);
  if (!post) {
    printProblem(options.lang ? message('errors.noSuchPostIn', { slug, lang: options.lang }) : message('errors.noSuchPost', { slug }));
    return EXIT.postErrors;
  }
  const relations = explainLivePost(live, config, { terms, pins: loaded.pins }, post);
  const lines = [t('cli.related.heading', { title: post.title, lang: post.lang, path: post.sourcePath })];
  relations.forEach((relation, index) => {
    const shown = versionFor(relation.article, post.lang);
    const { sharedTags, sharedCategories, topTerms, ageDays } = relation.reasons;
    const reasons = [
      relation.pinned ? t('cli.related.pinned') : '',
      sharedTags.length > 0 ? t('cli.related.tags', { tags: sharedTags.join(t('cli.separator')) }) : '',
      sharedCategories.length > 0 ? t('cli.related.categories', { categories: sharedCategories.join(t('cli.separator')) }) : '',
      topTerms.length > 0 ? t('cli.related.terms', { terms: topTerms.join(t('cli.separator')) }) : '',
      t('cli.related.age', { count: ageDays }),
    ].filter(Boolean);
    lines.push(`${String(index + 1).padStart(2)}. ${relation.score.toFixed(4)}  ${shown.title}  [${shown.lang}]  ${shown.url}`, `      ${reasons.join(t('cli.related.reasonSeparator'))}`);
  });
  if (relations.length === 0) lines.push(`  ${t('cli.related.none')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

function withCommonOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'site config file', DEFAULT_CONFIG_FILE)
    .option('-p, --posts <dir>', 'directory holding posts/<lang>/*.md', 'posts')
    .option('-o, --out <dir>', 'output directory for feeds', 'feeds');
}

function withStateOption(command: Command): Command {
  return command.option('--state-dir <dir>', 'private state (what was published, status, lock, load cache); default .nashra/ beside the config');
}

function withCacheOption(command: Command): Command {
  return command.option('--no-cache', 'load every post afresh, neither reading nor updating the load cache in the state directory');
}

function validIsoArgument(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) invalidValue(message('errors.expectedIsoDate'));
  return value;
}

/** Why commander refused an option's value, kept for `commanderProblem`: commander keeps only the English text of the reason. */
let refusedValue: Message | undefined;

function invalidValue(reason: Message): never {
  refusedValue = reason;
  throw new InvalidArgumentError(englishText(reason));
}

// A reader that stops reading (`nashra status | head -1`, `nashra build 2>&1 | head -1`) closes the pipe: what is left
// to print goes nowhere, and the command ends as it would have, with its own exit code, not with an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

/**
 * Between full collections V8 lets the heap grow to several times what the last one kept, which
 * for a build of tens of thousands of posts means gigabytes of garbage. Capping growth at a
 * tenth keeps the peak near the live data: at 20,000 articles 378 MB instead of 646 MB, for
 * about 8% more build time (README, "Performance"). A GC tuning flag, read at each collection,
 * so setting it once the modules are loaded is safe. Set by `build` only once it finds it must
 * build: a cron tick that finds nothing changed reads a few megabytes of state, and collected
 * them again and again under the cap (50 ms of a 1 s no-op build at 5,000 articles).
 */
function capHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=10');
}

const program = new Command()
  .name('nashra')
  .description('Bilingual English/Arabic feed publishing: Markdown posts in, RSS 2.0, Atom 1.0 and JSON Feed 1.1 out.')
  .addHelpText(
    'after',
    `\nExit codes:\n  0  success (schedule: stopped by SIGTERM or SIGINT)\n  1  some posts have errors (they were skipped, or kept in their last published version; with --strict nothing was written)\n  2  usage or config error\n  3  the output could not be written (the previous feeds stay)\n  4  another nashra build or schedule is publishing this site\n  5  refused: files vanished from the posts folder would empty or shrink a language (see --allow-shrink)`,
  )
  .version(packageVersion(), '-V, --version', 'print nashra\'s version')
  // Usage mistakes are printed by the catch below, in the reader's language.
  .configureOutput({ outputError: () => undefined })
  .exitOverride()
  .hook('preAction', (_, command) => {
    if (command.name() !== 'build') capHeapGrowth();
  });

withCacheOption(withStateOption(withCommonOptions(program.command('build').description('build the feeds from the posts'))))
  .option('--now <iso-date>', 'the clock against which date, publishAt and expires are judged', validIsoArgument)
  .option('--strict', 'write nothing when any post has an error')
  .option('--allow-shrink', 'publish even when files vanished from the posts folder would empty or shrink a language beyond maxShrink')
  .option('--timings', 'also print how long each stage took (loading and planning, related articles, full texts, composing and writing)')
  .action(async (options: CommonOptions) => {
    process.exitCode = await build(options);
  });

program
  .command('init [dir]')
  .description('start a site: a config, one English/Arabic pair of posts and a .gitignore for the state directory')
  .option('--base-url <url>', 'the site\'s public address; the feeds go under feeds/ there', 'https://example.org/')
  .option('--time-zone <zone>', 'the site\'s IANA time zone, for dates without an offset', Intl.DateTimeFormat().resolvedOptions().timeZone)
  .action(async (dir: string | undefined, options: { baseUrl: string; timeZone: string }) => {
    process.exitCode = await init(dir ?? '.', options);
  });

withCommonOptions(program.command('new <slug>').description('write a new article as a draft, one file per language, sharing a translationKey and dated now'))
  .option('--lang <lang...>', 'only these languages (default: every language of the config)')
  .action(async (slug: string, options: CommonOptions & { lang?: string[] }) => {
    process.exitCode = await newPost(slug, options);
  });

withCommonOptions(program.command('plan').description('list drafts and the posts that will publish or expire, with the moment each changes, in the site\'s time zone'))
  .option('--now <iso-date>', 'the clock against which date, publishAt and expires are judged', validIsoArgument)
  .option('--json', 'one JSON document, for machines')
  .action(async (options: CommonOptions & { json?: boolean }) => {
    process.exitCode = await plan(options);
  });

withStateOption(withCommonOptions(program.command('check').description('validate the posts and config, and list published articles corrected without a new updated date; write nothing')))
  .option('--now <iso-date>', 'the clock against which dates are judged (a date typed far into the future is a warning)', validIsoArgument)
  .action(async (options: CommonOptions) => {
  process.exitCode = await check(options);
});

interface ServeFlags {
  host: string;
  port: number;
}

function withServeOptions(command: Command): Command {
  return command
    .option('--host <address>', 'address to listen on (keep 127.0.0.1 behind a reverse proxy)', DEFAULT_HOST)
    .option('--port <number>', 'port to listen on', parsePort, DEFAULT_PORT);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) invalidValue(message('errors.expectedPort'));
  return port;
}

withServeOptions(
  withCacheOption(withStateOption(withCommonOptions(program.command('schedule').description('keep the feeds up to date: rebuild on the config\'s cron schedule, on changes, and at each date, publishAt and expires that comes due')))
    .option('--allow-shrink', 'publish even when files vanished from the posts folder would empty or shrink a language beyond maxShrink')
    .addOption(new Option('--log-format <format>', 'log lines for people or for machines').choices(['human', 'json']).default('human'))
    .option('--serve', 'also serve the output directory over HTTP')),
).action(async (options: CommonOptions & ServeFlags & { logFormat: LogFormat; serve?: boolean }) => {
  const paths = buildPaths(options);
  const [{ runDaemon }, { startServer }] = await Promise.all([import('./schedule/daemon.js'), import('./serve/server.js')]);
  const companions = [];
  if (options.serve) {
    const server = await startServer({ root: resolve(options.out), host: options.host, port: options.port, log: (line) => process.stderr.write(`${line}\n`) });
    process.stderr.write(`${t('cli.serving', { dir: options.out, url: server.url })}\n`);
    companions.push(server);
  }
  process.exitCode = await runDaemon({ paths, logFormat: options.logFormat, companions, allowShrink: options.allowShrink, cache: options.cache, translate: t });
});

withServeOptions(program.command('serve').description('serve the output directory over HTTP (ETag, 304, gzip/brotli) for monitors and local preview'))
  .option('-o, --out <dir>', 'output directory to serve', 'feeds')
  .action(async (options: ServeFlags & { out: string }) => {
    const { startServer } = await import('./serve/server.js');
    const server = await startServer({ root: resolve(options.out), host: options.host, port: options.port, log: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`${t('cli.serving', { dir: options.out, url: server.url })}\n`);
    await new Promise<void>((stop) => {
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    await server.close();
    process.exitCode = EXIT.ok;
  });

withCommonOptions(program.command('related <slug>').description('list the articles related to a post, with the reasons (slug or translationKey)'))
  .option('--lang <lang>', 'the language of the post (default: the first that has it)')
  .option('--now <iso-date>', 'the clock against which date, publishAt and expires are judged', validIsoArgument)
  .action(async (slug: string, options: CommonOptions & { lang?: string }) => {
    process.exitCode = await related(slug, options);
  });

withStateOption(program.command('status'))
  .description('print what the last build did, its errors, and what the scheduler will do next')
  .option('-c, --config <file>', 'site config file (the state directory is beside it)', DEFAULT_CONFIG_FILE)
  .action(async (options: { config: string; stateDir?: string }) => {
    const stateDir = resolveStateDir(options.stateDir, options.config);
    const { formatStatus, readStatus } = await import('./schedule/status.js');
    const status = await readStatus(stateDir);
    if (!status) {
      printProblem(message('errors.noStatus', { dir: stateDir }));
      process.exitCode = EXIT.postErrors;
      return;
    }
    process.stdout.write(formatStatus(status, t, formatDiagnostic));
  });

/**
 * A usage mistake that commander found, as a message in the reader's
 * language. Its own English text names the option or argument in quotes,
 * which is all these messages take from it; a mistake of a kind not listed
 * here keeps commander's words.
 */
function commanderProblem(error: CommanderError): Message {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-')) ?? '';
  switch (error.code) {
    case 'commander.unknownCommand':
      return message('errors.unknownCommand', { command: quoted });
    case 'commander.unknownOption': {
      const suggestion = /Did you mean (\S+)\?/.exec(error.message)?.[1];
      return suggestion ? message('errors.unknownOptionNear', { option: quoted, suggestion }) : message('errors.unknownOption', { option: quoted, command });
    }
    case 'commander.missingArgument':
      return message('errors.missingArgument', { command, argument: quoted });
    case 'commander.optionMissingArgument':
      return message('errors.optionMissingArgument', { option: quoted.split(' ')[0] ?? quoted });
    case 'commander.excessArguments':
      return message('errors.excessArguments', { command: quoted });
    case 'commander.invalidArgument': {
      const [option = '', value = ''] = [...error.message.matchAll(/'([^']*)'/g)].map((match) => match[1] ?? '');
      return message('errors.invalidValue', { option: option.split(' ')[0] ?? option, value, reason: refusedValue ?? message('errors.all', { reasons: error.message }) });
    }
    default:
      return message('errors.all', { reasons: error.message.replace(/^error: /, '') });
  }
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof BuildSetupError) {
    printDiagnostics(error.diagnostics);
    printProblem(error.text);
    process.exitCode = EXIT.usage;
  } else if (error instanceof UsageError) {
    printProblem(error.text);
    process.exitCode = EXIT.usage;
  } else if (error instanceof MessageError) {
    printProblem(error.text);
    process.exitCode = EXIT.io;
  } else if (error instanceof CommanderError) {
    // commander's own exits: --help and --version succeed, usage mistakes are code 2, said in the reader's language.
    if (error.exitCode !== 0) printProblem(commanderProblem(error));
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    printProblem(message('errors.unexpected', { detail: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
    process.exitCode = EXIT.io;
  }
}
