// Once per test run: one embedded database, migrated, kept as a template.
// Each test file copies it instead of creating and migrating its own, which
// spares every file several seconds of CPU (a busy machine's tests time out
// on less). The migrations themselves still run here, on the same code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.js';
import { silentLogger } from './logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A closed, migrated embedded database directory to copy. */
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sipcall-template-'));
  const db = await openDatabase({ kind: 'embedded', dataDir: dir }, { log: silentLogger });
  await db.migrate();
  await db.close();
  project.provide('pgliteTemplate', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
