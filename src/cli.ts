#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CONFIG_FILE, parseConfig, type SiteConfig } from './config.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.js';
import { translator } from './i18n/index.js';
import { parseIsoDate } from './load/frontMatter.js';
import { readPostFiles } from './load/readPosts.js';
import { buildSite, loadPosts } from './pipeline.js';
import { writeOutputs } from './write/output.js';

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, postErrors: 1, usage: 2, io: 3 } as const;

interface CommonOptions {
  config: string;
  posts: string;
  out: string;
  now?: string;
  strict?: boolean;
}

const uiLanguage = (process.env.NASHRA_LANG ?? process.env.LANG ?? 'en').slice(0, 2) === 'ar' ? 'ar' : 'en';
const t = translator(uiLanguage);

function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
}

async function loadConfig(path: string): Promise<SiteConfig> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read config ${path}: ${error.code ?? error.message}`);
  });
  const { config, diagnostics } = parseConfig(text, path);
  printDiagnostics(diagnostics);
  if (!config) throw new UsageError(`config ${path} is not valid`);
  return config;
}

class UsageError extends Error {}

function parseNow(value: string, timeZone: string): Date {
  const date = parseIsoDate(value, timeZone);
  if (!date) throw new UsageError(`--now "${value}" is not an ISO 8601 date or date-time`);
  return date;
}

async function readPosts(options: CommonOptions) {
  return readPostFiles(resolve(options.posts), process.cwd()).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read posts directory ${options.posts}: ${error.code ?? error.message}`);
  });
}

function countPosts(perLanguage: Record<string, number>): string {
  return Object.entries(perLanguage)
    .map(([lang, count]) => `${lang} ${t('cli.posts', { count })}`)
    .join(t('cli.separator'));
}

async function build(options: CommonOptions): Promise<number> {
  const started = performance.now();
  const config = await loadConfig(options.config);
  const now = options.now ? parseNow(options.now, config.timeZone) : new Date();
  const files = await readPosts(options);
  const showProgress = process.stderr.isTTY === true && files.length > 500;
  const result = buildSite(files, config, now, (done) => {
    if (showProgress && done % 100 === 0) process.stderr.write(`\r${t('cli.progress', { done, total: files.length })}`);
  });
  if (showProgress) process.stderr.write('\r\u001b[K');
  printDiagnostics(result.diagnostics);
  const failed = hasErrors(result.diagnostics);
  if (failed && options.strict) {
    process.stderr.write(`${t('cli.nothingWritten')}\n`);
    return EXIT.postErrors;
  }
  let report;
  try {
    report = await writeOutputs(resolve(options.out), result.outputs);
  } catch (error) {
    process.stderr.write(`cannot write feeds to ${options.out}: ${String(error)}\n`);
    return EXIT.io;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  process.stdout.write(
    `${t('cli.summary', {
      posts: countPosts(result.livePerLanguage),
      written: t('cli.feedsWritten', { count: report.written.length }),
      unchanged: t('cli.feedsUnchanged', { count: report.unchanged.length }),
      skipped: t('cli.skipped', { count: result.skippedFiles.length }),
      time: `${seconds} s`,
    })}\n`,
  );
  return failed ? EXIT.postErrors : EXIT.ok;
}

async function check(options: CommonOptions): Promise<number> {
  const config = await loadConfig(options.config);
  const files = await readPosts(options);
  const result = loadPosts(files, config);
  printDiagnostics(result.diagnostics);
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  process.stdout.write(
    `${t('cli.checkSummary', {
      posts: t('cli.posts', { count: files.length }),
      errors: t('cli.errors', { count: errors }),
      warnings: t('cli.warnings', { count: warnings }),
    })}\n`,
  );
  return errors > 0 ? EXIT.postErrors : EXIT.ok;
}

function withCommonOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'site config file', DEFAULT_CONFIG_FILE)
    .option('-p, --posts <dir>', 'directory holding posts/<lang>/*.md', 'posts')
    .option('-o, --out <dir>', 'output directory for feeds', 'feeds');
}

function validIsoArgument(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) throw new InvalidArgumentError('expected an ISO 8601 date such as 2026-03-14T09:00:00+03:00');
  return value;
}

const program = new Command()
  .name('nashra')
  .description('Bilingual English/Arabic feed publishing: Markdown posts in, RSS 2.0, Atom 1.0 and JSON Feed 1.1 out.')
  .addHelpText(
    'after',
    `\nExit codes:\n  0  success\n  1  some posts have errors (they were skipped; with --strict nothing was written)\n  2  usage or config error\n  3  the output could not be written`,
  )
  .exitOverride();

withCommonOptions(program.command('build').description('build the feeds from the posts'))
  .option('--now <iso-date>', 'the clock against which publishAt and expires are judged', validIsoArgument)
  .option('--strict', 'write nothing when any post has an error')
  .action(async (options: CommonOptions) => {
    process.exitCode = await build(options);
  });

withCommonOptions(program.command('check').description('validate the posts and config; write nothing')).action(async (options: CommonOptions) => {
  process.exitCode = await check(options);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`nashra: ${error.message}\n`);
    process.exitCode = EXIT.usage;
  } else if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') {
    // commander's own exits: --help and --version succeed, usage mistakes are code 2.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.stderr.write(`nashra: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT.io;
  }
}
