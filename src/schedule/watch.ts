/**
 * The daemon's watch on its inputs: the post files and the config file.
 *
 * @parcel/watcher asks the kernel to watch each folder once (inotify on
 * Linux) and sees every file in it change, be created, deleted or renamed
 * over. chokidar, used before, held a watch, a `Stats` and listeners for
 * every post file: at 20,000 posts it took 1.7 s to start and about 100 MB
 * of the daemon's resident memory, against 0.1 s and a few MB (README,
 * "Performance"). Watching from the folders that hold the posts folder and
 * the config means that deleting and restoring either does not end the
 * watch.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { subscribe, type AsyncSubscription, type Event, type Options } from '@parcel/watcher';
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

/** The folders to watch and what in them is an input. */
export interface WatchPlan {
  /** The folders holding the posts folder and the config, and the folders linked into the posts folder (the build reads them). */
  readonly roots: readonly string[];
  readonly postsDir: string;
  readonly configFile: string;
  /** The real folders that links under the posts folder point to: the posts in them are inputs too. */
  readonly linkedFolders: readonly string[];
  /** Every folder of posts when the watch began, and every link to one, named as the watcher's events name them (see `foldersOfPosts`). */
  readonly folders: readonly string[];
  /** The output and state folders: not watched, whether they exist yet or not (a first build makes them, with thousands of files). */
  readonly written: readonly string[];
}

/** What to watch: the inputs, and the folders builds write (never inputs, and maybe not made yet: beside the posts by default). */
export type WatchedPaths = Pick<BuildPaths, 'posts' | 'config'> & Partial<Pick<BuildPaths, 'out' | 'state'>>;

export function watchPlan(paths: WatchedPaths): WatchPlan {
  const postsDir = resolve(paths.posts);
  const configFile = resolve(paths.config);
  const { folders, linked: linkedFolders } = foldersOfPosts(postsDir);
  const roots = rootsOf({ postsDir, configFile }, linkedFolders);
  const written = [paths.out, paths.state].flatMap((folder) => (folder === undefined ? [] : [resolve(folder)]));
  return { roots, postsDir, configFile, linkedFolders, folders, written };
}

/**
 * What one event of the watcher means to the daemon: `folders` is a change
 * too, of a folder of posts or a link to one, made or removed, after which
 * the folders linked into the posts folder are found again.
 */
export type InputEvent = 'none' | 'changed' | 'folders' | 'posts-gone' | 'posts-back';

/**
 * Reads the watcher's events: the config file and post files (`.md`,
 * `.markdown`) are inputs, and so are the folders of posts, created or
 * deleted. Temporary files of editors are not: the rename that ends a save
 * lands on a post file. `folders` holds the folders of posts known to exist
 * (a deleted path is no longer there to ask); `isFolder` asks the disk.
 */
export function inputEvent(plan: WatchPlan, event: Pick<Event, 'path' | 'type'>, folders: Set<string>, isFolder: (path: string) => boolean): InputEvent {
  const path = resolve(event.path);
  if (path === plan.configFile) return 'changed';
  if (path === plan.postsDir) {
    if (event.type === 'delete') return 'posts-gone';
    return event.type === 'create' ? 'posts-back' : 'none';
  }
  if (!isInside(plan.postsDir, path) && !plan.linkedFolders.some((folder) => folder === path || isInside(folder, path))) return 'none';
  if (POST_FILE.test(path)) return 'changed';
  if (event.type === 'delete') return forget(folders, path) ? 'folders' : 'none';
  if (event.type === 'create' && isFolder(path)) {
    folders.add(path);
    return 'folders';
  }
  return 'none';
}

/** Starts watching; resolves once every existing input is watched, so no save after that is missed. */
export async function watchInputs(paths: WatchedPaths, listener: WatchListener): Promise<InputWatcher> {
  let plan = watchPlan(paths);
  const folders = new Set(plan.folders);
  const subscriptions = new Map<string, AsyncSubscription>();
  let closed = false;
  const watchRoot = async (root: string): Promise<void> => {
    try {
      subscriptions.set(root, await subscribe(root, onEvents, watchOptions(root, plan)));
    } catch (error) {
      listener.notice('watch-error', watchFailure(root, error));
    }
  };
  const unwatchRoot = async (root: string): Promise<void> => {
    const subscription = subscriptions.get(root);
    subscriptions.delete(root);
    await subscription?.unsubscribe().catch((error: unknown) => listener.notice('watch-error', watchFailure(root, error)));
  };
  // Subscribing and unsubscribing, one step at a time in the order the events came, the first subscriptions first.
  let steps = Promise.resolve();
  const step = (work: () => Promise<void>): void => {
    steps = steps.then(work).catch((error: unknown) => listener.notice('watch-error', watchFailure(plan.postsDir, error)));
  };
  /** Whether a search for the linked folders is waiting to run: a burst of folder events (a checkout, a deletion) needs one. */
  let relinkWaiting = false;
  /** The folders linked into the posts folder found again: those linked since are watched, those unlinked no longer. */
  const relink = (): void => {
    if (relinkWaiting || closed) return;
    relinkWaiting = true;
    step(async () => {
      relinkWaiting = false;
      if (closed) return;
      const found = foldersOfPosts(plan.postsDir);
      for (const folder of found.folders) folders.add(folder);
      const before = plan.linkedFolders;
      plan = { ...plan, linkedFolders: found.linked, roots: rootsOf(plan, found.linked) };
      for (const folder of found.linked) if (!subscriptions.has(folder)) await watchRoot(folder);
      for (const folder of before) if (!plan.roots.includes(folder)) await unwatchRoot(folder);
    });
  };
  function onEvents(error: Error | null, events: Event[]): void {
    if (error) listener.notice('watch-error', watchFailure(plan.roots.join(', '), error));
    let changed = false;
    for (const event of events) {
      const meaning = inputEvent(plan, event, folders, isFolder);
      if (meaning === 'posts-gone') listener.notice('watch-error', `the posts folder ${plan.postsDir} is gone; the published feeds stay; watching for it to come back`);
      if (meaning === 'posts-back') listener.notice('watch', `the posts folder ${plan.postsDir} is back; watching it again`);
      if (meaning === 'posts-back' || meaning === 'folders') relink();
      if (meaning !== 'none') changed = true;
    }
    if (changed) listener.changed();
  }
  step(async () => {
    for (const root of plan.roots) await watchRoot(root);
  });
  await steps;
  return {
    close: async () => {
      closed = true;
      await steps;
      await Promise.all([...subscriptions.keys()].map(unwatchRoot));
    },
  };
}

/** The folders to watch: those holding the posts folder and the config, and the folders linked into the posts folder. */
function rootsOf(plan: Pick<WatchPlan, 'postsDir' | 'configFile'>, linkedFolders: readonly string[]): string[] {
  return [...new Set([dirname(plan.postsDir), dirname(plan.configFile), ...linkedFolders])];
}

/**
 * Why watching `where` failed, for the log. The kernel says a full table of
 * inotify watches as "No space left on device", which sends a reader to the
 * disk: the message says which limit it is, and that the cron tick still
 * rebuilds.
 */
export function watchFailure(where: string, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const watchesFull = /inotify/i.test(text) && /ENOSPC|No space left on device/i.test(text);
  const hint = watchesFull ? ' (the kernel\'s limit of inotify watches, fs.inotify.max_user_watches, is reached: raise it with sysctl; meanwhile the cron schedule still rebuilds)' : '';
  return `watching ${where}: ${text}${hint}`;
}

/**
 * What to watch under `root`: every folder of it but those beside the posts
 * folder (the output, the state directory, a `.git`) and the output and
 * state folders wherever they are, which the watcher would otherwise follow,
 * and whose events a build of thousands of files would flood it with. On
 * Linux, inotify itself, whatever else is installed (the default prefers a
 * running watchman).
 */
function watchOptions(root: string, plan: WatchPlan): Options {
  const holdsInputs = (folder: string): boolean => [plan.postsDir, ...plan.linkedFolders].some((input) => input === folder || isInside(folder, input) || isInside(input, folder));
  const beside = [...childFolders(root), ...plan.written].filter((folder) => !holdsInputs(folder));
  return { ignore: [...new Set(beside)], ...(process.platform === 'linux' ? { backend: 'inotify' as const } : {}) };
}

function childFolders(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(folder, entry.name));
  } catch {
    return [];
  }
}

/**
 * The folders the build reads posts from, found once from `postsDir`,
 * following links to folders as the build does (each real folder once): each
 * by the path the watcher's events name it by, its real one; and the real
 * folders outside `postsDir` that links point to, which are watched too.
 */
function foldersOfPosts(postsDir: string): { folders: string[]; linked: string[] } {
  const folders = new Set<string>();
  const linked: string[] = [];
  const walk = (at: string): void => {
    let real: string;
    try {
      real = realpathSync(at);
    } catch {
      return;
    }
    // A link is named by its own path in the events of the folder holding it: its removal is a change of the inputs.
    if (real !== at) folders.add(at);
    if (folders.has(real)) return;
    folders.add(real);
    // The posts folder itself may be a link too.
    if (real !== at && !isInside(postsDir, real)) linked.push(real);
    let entries;
    try {
      entries = readdirSync(real, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(real, entry.name);
      if (entry.isDirectory() || (entry.isSymbolicLink() && isFolder(path))) walk(path);
    }
  };
  walk(postsDir);
  return { folders: [...folders], linked };
}

/** Removes `path` and the folders under it from `folders`; whether it was one. */
function forget(folders: Set<string>, path: string): boolean {
  if (!folders.delete(path)) return false;
  for (const folder of folders) if (isInside(path, folder)) folders.delete(folder);
  return true;
}

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
