/**
 * The Last-Modified date of a file version, such that `If-Modified-Since`
 * answered by the usual rule (304 when Last-Modified <= the date sent, as
 * `fresh` does) is right even when a file is replaced twice within one second.
 *
 * HTTP dates have whole seconds and mtimes do not. Sending the mtime's own
 * second (as nginx and `send` do) lets a version written later in that second
 * share its predecessor's date, so a client holding the old one gets a 304.
 * So the date sent is the first whole second after the mtime (the moment from
 * which the content is known to be this version), and only once that moment
 * has passed: a response during the mtime's second carries no Last-Modified
 * (RFC 9110 8.8.2.1 forbids a date later than the response), because a file
 * written later in that second would have the same one. A version written
 * after a response is then always dated later than anything that response
 * said. A client that falls back to the response's Date is safe too: 304 needs
 * the mtime strictly before the second it names.
 */
export function lastModifiedOf(modifiedMs: number, now: Date): Date | undefined {
  const settled = (Math.floor(modifiedMs / 1000) + 1) * 1000;
  return settled <= now.getTime() ? new Date(settled) : undefined;
}
