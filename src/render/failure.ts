import { message, type Message } from '../i18n/message.js';

/**
 * Why rendering one post failed, in words for its diagnostic. Any exception
 * from the Markdown parser, the sanitiser or the summariser is that post's
 * problem: a stack overflow (input nested too deeply for the parser) or a bug
 * in a library met by unusual input, never a reason to stop the whole build.
 */
export function renderFailureReason(error: unknown): Message {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return message('diagnostics.render.tooDeep');
  const detail = error instanceof Error ? error.message : String(error);
  return message('diagnostics.render.failed', { detail: detail.split('\n')[0] ?? detail });
}
