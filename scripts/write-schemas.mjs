#!/usr/bin/env node
// Writes the JSON Schemas of nashra's extension objects to schemas/ in the repository, as every
// build publishes them but with relative `$id`s (tests/extension-schemas.test.ts checks they are
// current). Run `npm run build:ts` first.
//
//   node scripts/write-schemas.mjs

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { repositorySchemaFiles } = await import(pathToFileURL(join(root, 'dist/feeds/extensionSchemas.js')).href);
for (const file of repositorySchemaFiles()) {
  mkdirSync(dirname(join(root, file.path)), { recursive: true });
  writeFileSync(join(root, file.path), file.content);
  console.log(file.path);
}
