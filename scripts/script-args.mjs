// Command-line options for the scripts under scripts/, parsed one way: an unknown or malformed
// option prints the message and the usage line and exits 2; --help / -h prints the usage and
// exits 0. Node built-ins only.
import { parseArgs } from 'node:util';

/** The parsed option values; `options` as for node:util parseArgs (a `help` flag is added). */
export function scriptArgs(usage, options) {
  let values;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h', default: false } } }).values;
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
