/**
 * A config mistake reads like advice: the line of the misspelt setting and
 * the setting meant, a missing setting called missing, a file that is not a
 * config called that, and no config at all answered with how to make one.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { formatDiagnostic } from '../src/diagnostics.js';

const LANGUAGES = 'languages:\n  en:\n    siteName: Wahat\n';

function problems(text: string): string[] {
  const { config, diagnostics } = parseConfig(text, 'nashra.config.yaml');
  expect(config).toBeUndefined();
  return diagnostics.map(formatDiagnostic);
}

describe('config diagnostics', () => {
  it('name a misspelt setting at its line with the setting meant, at every level', () => {
    expect(problems(`baseUrl: https://x.org/\nfeed:\n  limit: 3\n${LANGUAGES}    sitename: Other\n`)).toEqual([
      'nashra.config.yaml:2:1 error unknown setting "feed"; did you mean "feeds"? [feed]',
      'nashra.config.yaml:7:15 error unknown setting "sitename"; did you mean "siteName"? [languages.en.sitename]',
    ]);
    expect(problems(`baseUrl: https://x.org/\n${LANGUAGES}feeds:\n  limt: 4\n`)).toEqual(['nashra.config.yaml:6:9 error unknown setting "limt"; did you mean "limit"? [feeds.limt]']);
  });

  it('list the settings that exist where nothing is close', () => {
    expect(problems(`baseUrl: https://x.org/\n${LANGUAGES}    colour: red\n`)).toEqual([
      'nashra.config.yaml:5:13 error unknown setting "colour"; the settings here are "siteName", "urlPattern", "categoryUrlPattern", "homePath", "rights", "direction", "strings", "logo", "icon" [languages.en.colour]',
    ]);
  });

  it('call a missing setting required, not "Invalid input: expected record, received undefined"', () => {
    expect(problems('baseUrl: https://x.org/\n')).toEqual(['nashra.config.yaml:1:1 error languages is required [languages]']);
  });

  it('call a file that is not a mapping a bad config file, not bad front matter', () => {
    expect(problems('- just\n- a list\n')).toEqual(['nashra.config.yaml:1:1 error a config file must be a mapping of fields [yaml]']);
  });
});
