/**
 * nashra's API, for a site's own build scripts:
 *
 *   import { build, formatDiagnostic } from 'nashra';
 *   const result = await build({ config: 'nashra.config.yaml', posts: 'posts', out: 'feeds' });
 *   for (const d of result.diagnostics) console.error(formatDiagnostic(d));
 *   process.exitCode = result.exitCode;
 *
 * `build` does what `nashra build` does, with the same lock, state directory
 * and exit codes; the CLI prints what it returns.
 */
export { build, type BuildOptions, type BuildResult } from './api.js';
export type { BuildPhase } from './pipeline.js';
export { diagnosticFormatter, formatDiagnostic, type Diagnostic, type Severity } from './diagnostics.js';
export { translator } from './i18n/index.js';
export { renderMessage, type Message } from './i18n/message.js';
export { EXIT, type ExitCode } from './exitCodes.js';
export { packageVersion as version } from './version.js';
