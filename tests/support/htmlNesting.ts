import { Parser } from 'htmlparser2';

/** How deep elements nest in `html` as written (elements a parser would imply are not counted), and how many are left open at its end. */
export function elementNesting(html: string): { deepest: number; leftOpen: number } {
  let depth = 0;
  let deepest = 0;
  const parser = new Parser({
    onopentag(_name, _attribs, isImplied) {
      if (isImplied) return;
      depth++;
      deepest = Math.max(deepest, depth);
    },
    onclosetag(_name, isImplied) {
      if (!isImplied) depth--;
    },
  });
  parser.end(html);
  return { deepest, leftOpen: depth };
}
