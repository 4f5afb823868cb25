import type { z } from 'zod';

export interface SchemaProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * zod's issues as problems a writer can act on. For a union ("a name or
 * {name, url}") zod reports only "Invalid input"; the branch whose shape the
 * value has explains what is wrong inside it, so that branch is reported.
 */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): SchemaProblem[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.filter((part): part is string | number => typeof part !== 'symbol')];
    if (issue.code === 'invalid_union') {
      const matching = issue.errors.filter((branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
      if (matching.length === 1 && matching[0]) return schemaProblems(matching[0], path);
    }
    const message = issue.code === 'unrecognized_keys' ? `has unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}` : issue.message;
    return [{ path, message }];
  });
}
