/**
 * Why rendering one post failed, in words for its diagnostic. Any exception
 * from the Markdown parser, the sanitiser or the summariser is that post's
 * problem: a stack overflow (input nested too deeply for the parser) or a bug
 * in a library met by unusual input, never a reason to stop the whole build.
 */
export function renderFailureReason(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'its Markdown is nested too deeply to render (the parser ran out of stack)';
  const message = error instanceof Error ? error.message : String(error);
  return `rendering failed: ${message.split('\n')[0] ?? message}`;
}
