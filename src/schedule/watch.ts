/**
 * The daemon's watch on its inputs: the post files and the config file.
 * chokidar follows a file that an editor replaces by rename (Node's own
 * recursive `fs.watch` on Linux loses track of it), and watching from the
 * folders that hold the posts folder and the config means that deleting and
 * restoring either does not end the watch.
 */
import { statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { BuildPaths } from '../build.js';
import { POST_FILE } from '../load/readPosts.js';

export interface WatchListener {
  /** An input changed: a post file, a folder of posts, or the config file. */
  changed(): void;
  /** The watch itself: `watch-error` when it cannot see the posts, `watch` when it can again. */
  notice(event: 'watch' | 'watch-error', message: string): void;
}

export interface InputWatcher {
  close(): Promise<void>;
}

/** The folders to watch and which paths under them are inputs. */
export interface WatchPlan {
  readonly roots: readonly string[];
  readonly postsDir: string;
  /** chokidar's `ignored`: called once with the path alone and again with its stats. */
  readonly ignored: (path: string, stats?: Stats) => boolean;
}

export function watchPlan(paths: Pick<BuildPaths, 'posts' | 'config'>): WatchPlan {
  const postsDir = resolve(paths.posts);
  const configFile = resolve(paths.config);
  const roots = [...new Set([dirname(postsDir), dirname(configFile)])];
  const isRoot = new Set(roots);
  const ignored = (path: string, stats?: Stats): boolean => {
    const absolute = resolve(path);
    if (isRoot.has(absolute) || absolute === configFile || absolute === postsDir) return false;
    if (!isInside(postsDir, absolute)) return true;
    // Temporary and swap files are not inputs; the rename that ends a save lands on a post file.
    return stats?.isFile() === true && !POST_FILE.test(absolute);
  };
  return { roots, postsDir, ignored };
}

/** Starts watching; resolves once every existing input is watched, so no save after that is missed. */
export async function watchInputs(paths: Pick<BuildPaths, 'posts' | 'config'>, listener: WatchListener): Promise<InputWatcher> {
  const plan = watchPlan(paths);
  const watcher = watch([...plan.roots], { ignored: plan.ignored, ignoreInitial: true });
  watcher.on('all', (event, path) => {
    if (resolve(path) === plan.postsDir && event === 'unlinkDir') {
      listener.notice('watch-error', `the posts folder ${plan.postsDir} is gone; the published feeds stay; watching for it to come back`);
    }
    if (resolve(path) === plan.postsDir && event === 'addDir') listener.notice('watch', `the posts folder ${plan.postsDir} is back; watching it again`);
    listener.changed();
  });
  rewatchReplacedFolders(watcher, plan.postsDir);
  watcher.on('error', (error) => listener.notice('watch-error', `watching ${plan.roots.join(', ')}: ${error instanceof Error ? error.message : String(error)}`));
  await new Promise<void>((ready) => watcher.once('ready', ready));
  return { close: () => watcher.close() };
}

/**
 * A folder of posts deleted and made again before chokidar looked (a backup
 * restored, a checkout) keeps chokidar's watch on the folder that is gone:
 * no event says so, and every later save in it went unseen until the next
 * cron tick. A rename that names a folder of posts has that folder watched
 * afresh, once the burst of events it belongs to is over.
 */
function rewatchReplacedFolders(watcher: FSWatcher, postsDir: string): void {
  const due = new Set<string>();
  watcher.on('raw', (event, name, details) => {
    const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (event !== 'rename' || typeof watchedPath !== 'string' || name === '') return;
    const folder = resolve(watchedPath, name);
    if (due.has(folder) || (folder !== postsDir && !isInside(postsDir, folder)) || !isFolder(folder)) return;
    due.add(folder);
    setTimeout(() => {
      due.delete(folder);
      watcher.unwatch(folder);
      watcher.add(folder);
    }, REWATCH_AFTER_MS).unref();
  });
}

const REWATCH_AFTER_MS = 50;

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isInside(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return rest !== '' && rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
}
