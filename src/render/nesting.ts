/** A block-container marker at the start of a line: a quote (`>`) or a list item (`-`, `+`, `*`, `1.`, `1)`). */
const CONTAINER_MARKER = / {0,3}(?:>[ \t]?|[-+*][ \t]+|\d{1,9}[.)][ \t]+)/y;
const FENCE = /^ {0,3}(```|~~~)/;
/** Indentation of one nesting level, at its widest (`10. ` and a tab both take four columns). */
const INDENT_PER_LEVEL = 4;

export interface Flattened {
  readonly markdown: string;
  /** The first line (1-based, within the Markdown given) whose nesting was cut, if any. */
  readonly firstFlattenedLine?: number;
}

/**
 * Markdown whose quotes and lists nest at most `maxDepth` levels deep: markers
 * beyond that depth are dropped and their text joins the deepest level kept,
 * and indentation wider than `maxDepth` levels is narrowed to that width.
 * `marked` parses nested containers recursively, so a few thousand `>` or `-`
 * in a row overflow the call stack; flattening keeps every word of such a
 * post readable instead of refusing it. Code blocks are left as written.
 */
export function flattenNesting(markdown: string, maxDepth: number): Flattened {
  let inFence = false;
  let firstFlattenedLine: number | undefined;
  const widestIndent = maxDepth * INDENT_PER_LEVEL;
  const lines = markdown.split('\n').map((line, index) => {
    const { depth, end, cut } = containerPrefix(line, maxDepth);
    if (FENCE.test(line.slice(end))) inFence = !inFence;
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    if (inFence || (depth <= maxDepth && indent <= widestIndent)) return line;
    firstFlattenedLine ??= index + 1;
    if (depth > maxDepth) return line.slice(0, cut) + line.slice(end);
    // Lists also nest by indentation alone: deeper than any list of `maxDepth` levels is cut to that.
    return ' '.repeat(widestIndent) + line.slice(indent);
  });
  return firstFlattenedLine === undefined ? { markdown } : { markdown: lines.join('\n'), firstFlattenedLine };
}

/** How many container markers open a line, where they end, and where the marker past `maxDepth` starts. */
function containerPrefix(line: string, maxDepth: number): { depth: number; end: number; cut: number } {
  let depth = 0;
  let end = 0;
  let cut = 0;
  CONTAINER_MARKER.lastIndex = 0;
  while (CONTAINER_MARKER.exec(line) !== null) {
    depth++;
    end = CONTAINER_MARKER.lastIndex;
    if (depth === maxDepth) cut = end;
  }
  return { depth, end, cut };
}
