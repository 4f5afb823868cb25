/** What the build's worker threads (`work/pool.ts`) and the daemon's build thread share: memory, and how they are started. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, type TransferListItem, Worker } from 'node:worker_threads';

interface TypedArrayType<A> {
  new (buffer: SharedArrayBuffer): A;
  readonly BYTES_PER_ELEMENT: number;
}

/** A zeroed typed array in memory that worker threads can share without copying. */
export function sharedArray<A>(type: TypedArrayType<A>, length: number): A {
  return new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT));
}

/** `values` copied into shared memory. */
export function sharedCopy<A extends { set(values: ArrayLike<number>): void }>(type: TypedArrayType<A>, values: ArrayLike<number>): A {
  const copy = sharedArray(type, values.length);
  copy.set(values);
  return copy;
}

/**
 * A worker thread running `script`, a compiled module beside the caller, or
 * undefined when there can be none: running from the TypeScript sources
 * (there is no .js beside the .ts), or a thread the system refuses. The
 * caller then does the work itself. The worker never keeps the process
 * alive, and its failures must reach the caller through shared memory: the
 * caller waits blocked in `Atomics.wait`, where no 'error' event arrives.
 */
export function startWorker(script: URL, workerData: unknown, transferList: readonly TransferListItem[] = [], resourceLimits?: ResourceLimits): Worker | undefined {
  if (!existsSync(fileURLToPath(script))) return undefined;
  try {
    const worker = new Worker(script, { workerData, transferList: [...transferList], ...(resourceLimits ? { resourceLimits } : {}) });
    worker.unref();
    worker.on('error', () => undefined);
    return worker;
  } catch {
    return undefined;
  }
}
