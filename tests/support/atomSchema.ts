/**
 * RFC 4287's own RELAX NG schema (tests/schemas/atom.rnc, Appendix B of the RFC)
 * applied by jing, Debian's RELAX NG validator, which reads the compact syntax directly.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { ROOT } from './site.js';

const ATOM_SCHEMA = join(ROOT, 'tests/schemas/atom.rnc');
const ATOM = 'http://www.w3.org/2005/Atom';

/** jing's complaints about each file, keyed by the path given; a valid file has none. */
export function atomSchemaErrors(files: readonly string[]): Map<string, string[]> {
  const errors = new Map<string, string[]>(files.map((file) => [file, []]));
  if (files.length === 0) return errors;
  // One JVM for all files: jing names the file at the start of every error line.
  const run = spawnSync('jing', ['-c', ATOM_SCHEMA, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  for (const line of run.stdout.split('\n').filter((text) => text.trim() !== '')) {
    const file = files.find((candidate) => line.startsWith(`${candidate}:`));
    if (!file) throw new Error(`jing said something about no file given: ${line}`);
    errors.get(file)?.push(line.slice(file.length + 1));
  }
  if (run.status !== 0 && [...errors.values()].every((list) => list.length === 0)) throw new Error(`jing exited ${run.status}: ${run.stderr}`);
  return errors;
}

/**
 * The two Schematron rules embedded in the schema of RFC 4287 Appendix B, which
 * jing does not apply from the compact syntax: a feed has an author unless every
 * entry has one, and every entry has an alternate link or content.
 */
export function atomSchematronProblems(xml: string): string[] {
  const feed = new DOMParser().parseFromString(xml, 'text/xml').documentElement as Element | null;
  if (!feed || feed.namespaceURI !== ATOM || feed.localName !== 'feed') return ['the root element is not atom:feed'];
  const feedHasAuthor = atomChildren(feed, 'author').length > 0;
  return atomChildren(feed, 'entry').flatMap((entry, index) => {
    const problems: string[] = [];
    const hasAlternate = atomChildren(entry, 'link').some((link) => !link.hasAttribute('rel') || link.getAttribute('rel') === 'alternate');
    if (!hasAlternate && atomChildren(entry, 'content').length === 0) problems.push(`entry ${index + 1} has neither an alternate link nor content`);
    if (!feedHasAuthor && atomChildren(entry, 'author').length === 0) problems.push(`entry ${index + 1} has no author and neither has the feed`);
    return problems;
  });
}

/** RFC 3339 `date-time` with the uppercase T and Z that RFC 4287 section 3.3 asks for; xsd:dateTime, the schema's type, also lets the offset go. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Rules of RFC 4287's text that its informative schema does not express:
 * Date constructs are RFC 3339 date-times with an offset (section 3.3), and a
 * feed or entry has at most one alternate link per type and hreflang
 * (sections 4.1.1 and 4.1.2; a link without rel is an alternate one).
 */
export function atomTextProblems(xml: string): string[] {
  const feed = new DOMParser().parseFromString(xml, 'text/xml').documentElement as Element | null;
  if (!feed || feed.namespaceURI !== ATOM || feed.localName !== 'feed') return ['the root element is not atom:feed'];
  const entries = atomChildren(feed, 'entry');
  const dates = Array.from(feed.getElementsByTagNameNS(ATOM, 'updated')).concat(Array.from(feed.getElementsByTagNameNS(ATOM, 'published')));
  return [
    ...dates.filter((date) => !RFC3339.test(date.textContent ?? '')).map((date) => `atom:${date.localName} "${date.textContent ?? ''}" is not an RFC 3339 date-time`),
    ...duplicateAlternates(feed, 'the feed'),
    ...entries.flatMap((entry, index) => duplicateAlternates(entry, `entry ${index + 1}`)),
  ];
}

function duplicateAlternates(parent: Element, where: string): string[] {
  const alternates = atomChildren(parent, 'link').filter((link) => (link.getAttribute('rel') ?? 'alternate') === 'alternate');
  const keys = alternates.map((link) => `type="${link.getAttribute('type') ?? ''}" hreflang="${link.getAttribute('hreflang') ?? ''}"`);
  return [...new Set(keys.filter((key, index) => keys.indexOf(key) !== index))].map((key) => `${where} has more than one alternate link with ${key}`);
}

function atomChildren(parent: Element, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && (node as Element).namespaceURI === ATOM && (node as Element).localName === localName) found.push(node as Element);
  }
  return found;
}
