/**
 * A problem found in the input, located like a compiler message
 * (`posts/ar/x.md:4:7 error date "2026-02-30" is not a valid date [date]`).
 * Stages return these as values; only the CLI prints them.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  readonly message: string;
  /** The front-matter field or rule the problem belongs to, such as `date` or `translationKey`. */
  readonly field: string;
}

export function diagnostic(
  file: string,
  position: { line: number; column: number },
  severity: Severity,
  field: string,
  message: string,
): Diagnostic {
  return { file, line: position.line, column: position.column, severity, field, message };
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity} ${d.message} [${d.field}]`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order for printing: by file, then line, then column. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}
