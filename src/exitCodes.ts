/** Exit codes of the CLI, and `exitCode` of the API's results; documented in the README. */
export const EXIT = { ok: 0, postErrors: 1, usage: 2, io: 3, locked: 4, refused: 5 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
