/** Runs the real `nashra schedule` process against a site directory and reads its JSON log lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, installedCli } from './site.js';

export interface LogLine {
  time: string;
  event: string;
  message: string;
  [key: string]: unknown;
}

export class Daemon {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private stderr = '';

  /** With `asInstalled`, the CLI runs as the bin npm installs (see `installedCli`); else on this Node. */
  constructor(cwd: string, args: readonly string[] = [], options: { readonly asInstalled?: boolean } = {}) {
    const argv = ['schedule', '--log-format', 'json', ...args];
    const installed = options.asInstalled ? installedCli() : undefined;
    this.child = installed ? spawn(installed.path, argv, { cwd, env: installed.env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [CLI, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) this.lines.push(JSON.parse(part) as LogLine);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get errors(): string {
    return this.stderr;
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** Waits for a log line matching `test`, counting only lines after the first `after` ones. */
  async waitFor(test: (line: LogLine) => boolean, timeoutMs = 10_000, after = 0): Promise<LogLine> {
    return waitUntil(() => this.lines.slice(after).find(test), timeoutMs, () => `no matching log line; got:\n${this.lines.map((l) => l.message).join('\n')}\n${this.stderr}`);
  }
}

/** Polls `probe` every 20 ms until it returns a value. */
export async function waitUntil<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, explain: () => string = () => 'timed out'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(explain());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
