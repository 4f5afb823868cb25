/** A render thread of `bounded.ts`: renders the bodies it is sent, one at a time, and replies with each. */
import { workerData } from 'node:worker_threads';
import { EVENTS, type RenderReply, type RenderTask, type RenderWorkerInput } from './renderProtocol.js';

const { signal, port, limits } = workerData as RenderWorkerInput;

/** Sends a reply, then wakes the build's thread, which reads it from the port. */
function reply(message: RenderReply): void {
  port.postMessage(message);
  Atomics.add(signal, EVENTS, 1);
  Atomics.notify(signal, EVENTS);
}

try {
  // Loaded here rather than imported, so that a module failing to load is reported, not a silence.
  const { renderBody } = await import('./article.js');
  const { renderFailureReason } = await import('./failure.js');
  port.on('message', (task: RenderTask) => {
    try {
      reply({ kind: 'rendered', id: task.id, ...renderBody(task.pageUrl, task.markdown, limits) });
    } catch (error) {
      reply({ kind: 'failed', id: task.id, reason: renderFailureReason(error) });
    }
  });
  reply({ kind: 'ready' });
} catch (error) {
  reply({ kind: 'unavailable', error: error instanceof Error ? error.message : String(error) });
}
