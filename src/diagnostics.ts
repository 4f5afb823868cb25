/**
 * A problem found in the input, located like a compiler message
 * (`posts/ar/x.md:4:7 error date "2026-02-30" is not a valid date [date]`).
 * Stages return these as values; only the CLI prints them, in the reader's
 * language: a diagnostic keeps its sentence as a message key and parameters.
 */
import { z } from 'zod';
import { translator, type Translate } from './i18n/index.js';
import { englishText, renderMessage, type Message, type MessageParam, type MessageParams } from './i18n/message.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  /** The sentence in English, rendered from `key` and `params`. */
  readonly message: string;
  /** The sentence's resource key (`diagnostics.…`), to print it in another language. */
  readonly key: string;
  readonly params: MessageParams;
  /** The front-matter field or rule the problem belongs to, such as `date` or `translationKey`. */
  readonly field: string;
}

/** A diagnostic as it is kept in the state directory, to be told again by a later build. */
export const DiagnosticSchema = z
  .object({ file: z.string(), line: z.number(), column: z.number(), severity: z.enum(['error', 'warning']), message: z.string(), key: z.string(), params: z.record(z.string(), z.custom<MessageParam>()), field: z.string() })
  .strict();

export function diagnostic(
  file: string,
  position: { line: number; column: number },
  severity: Severity,
  field: string,
  text: Message,
): Diagnostic {
  return { file, line: position.line, column: position.column, severity, field, message: englishText(text), key: text.key, params: text.params ?? {} };
}

/** The diagnostic as one English line. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity} ${d.message} [${d.field}]`;
}

/**
 * The diagnostic as one line in the language of `t`: the location stays
 * first, so editors still jump to it; the severity and sentence are translated.
 */
export function diagnosticFormatter(t: Translate): (d: Diagnostic) => string {
  // The English sentence was rendered when the diagnostic was made: rendering 1,700 of them again took 100 ms of a
  // build that found nothing changed.
  if (t === translator('en')) return formatDiagnostic;
  return (d) => `${d.file}:${d.line}:${d.column} ${t(`diagnostics.severity.${d.severity}`)} ${renderMessage(d, t)} [${d.field}]`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** The load diagnostics with those met while rendering the outputs, in file order. */
export function withRenderDiagnostics(diagnostics: readonly Diagnostic[], renderDiagnostics: readonly Diagnostic[]): Diagnostic[] {
  return renderDiagnostics.length === 0 ? [...diagnostics] : sortDiagnostics([...diagnostics, ...renderDiagnostics]);
}

/** Stable order for printing: by file, then line, then column. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}
