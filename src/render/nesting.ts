/** A block-container marker at the start of a line: a quote (`>`) or a list item (`-`, `+`, `*`, `1.`, `1)`). */
const CONTAINER_MARKER = / {0,3}(?:>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+)/y;
const FENCE = /^ {0,3}(```|~~~)/;
/** A line that ends an open list item when indented less than the item's text: a heading, a fence or a thematic break. */
const BLOCK_START = /^(#{1,6}(\s|$)|```|~~~|([-*_])[ \t]*\3[ \t]*\3)/;
const TAB_STOP = 4;

export interface Flattened {
  readonly markdown: string;
  /** The first line (1-based, within the Markdown given) whose nesting was cut, if any. */
  readonly firstFlattenedLine?: number;
}

/** One container marker on a line: where it ends, and whether it opens a list item (rather than a quote). */
interface Marker {
  readonly end: number;
  readonly isListItem: boolean;
}

/**
 * Markdown whose quotes and lists nest at most `maxDepth` levels deep:
 * markers beyond that depth are dropped and their text joins the deepest
 * level kept. Lists nest by markers on one line (`- - x`) and by
 * indentation (an item indented as far as the text of the item above is its
 * child), and both are counted. `marked` parses nested containers
 * recursively, so a few thousand levels overflow the call stack; flattening
 * keeps every word of such a post readable instead of refusing it. Code
 * blocks are left as written.
 */
export function flattenNesting(markdown: string, maxDepth: number): Flattened {
  let inFence = false;
  let firstFlattenedLine: number | undefined;
  // The text column of each list item open at the current line, outermost first.
  const openItems: number[] = [];
  let previousBlank = true;
  // Once a line's item was flattened, the lines of its text are narrowed to this column.
  let narrowTo: number | undefined;
  const lines = markdown.split('\n').map((line, index) => {
    const indentChars = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    const indent = columnWidth(line.slice(0, indentChars));
    const rest = line.slice(indentChars);
    const markers = containerMarkers(rest);
    const afterMarkers = rest.slice(markers.at(-1)?.end ?? 0);
    const wasInFence = inFence;
    if (FENCE.test(afterMarkers)) inFence = !inFence;
    if (wasInFence || rest === '') {
      previousBlank = rest === '';
      return line;
    }
    if (markers.length > 0 || previousBlank || BLOCK_START.test(rest)) {
      while ((openItems.at(-1) ?? -1) > indent) openItems.pop();
      if (narrowTo !== undefined && !openItems.includes(narrowTo)) narrowTo = undefined;
    }
    previousBlank = false;
    if (markers.length === 0) {
      return narrowTo !== undefined && indent > narrowTo ? ' '.repeat(narrowTo) + rest : line;
    }
    const kept = markers.slice(0, Math.max(0, maxDepth - openItems.length));
    for (const marker of kept) if (marker.isListItem) openItems.push(indent + columnWidth(rest.slice(0, marker.end)));
    if (kept.length === markers.length) {
      narrowTo = undefined;
      return line;
    }
    firstFlattenedLine ??= index + 1;
    if (kept.length > 0) {
      narrowTo = openItems.at(-1);
      return line.slice(0, indentChars) + rest.slice(0, kept.at(-1)?.end) + afterMarkers;
    }
    // The whole line is past the limit: its text continues the deepest item kept.
    narrowTo = openItems.at(-1) ?? indent;
    return ' '.repeat(narrowTo) + afterMarkers;
  });
  return firstFlattenedLine === undefined ? { markdown } : { markdown: lines.join('\n'), firstFlattenedLine };
}

/** The container markers opening a line (already stripped of its indentation), in order. */
function containerMarkers(text: string): Marker[] {
  const markers: Marker[] = [];
  CONTAINER_MARKER.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = CONTAINER_MARKER.exec(text)) !== null) {
    markers.push({ end: CONTAINER_MARKER.lastIndex, isListItem: !match[0].trimStart().startsWith('>') });
  }
  return markers;
}

/** Columns taken by leading text, a tab reaching the next multiple of four as in CommonMark. */
function columnWidth(text: string): number {
  let column = 0;
  for (const character of text) column = character === '\t' ? column + TAB_STOP - (column % TAB_STOP) : column + 1;
  return column;
}
