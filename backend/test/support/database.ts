import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { inject } from 'vitest';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.js';
import { silentLogger } from './logger.js';
import { TEST_DATABASE_URL } from './env.js';

export type DatabaseKind = 'embedded' | 'postgres';

/** The databases every repository test runs on: always PGlite, and real PostgreSQL when TEST_DATABASE_URL is set. */
export const databaseKinds: DatabaseKind[] = TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];

if (!TEST_DATABASE_URL) {
  console.warn('TEST_DATABASE_URL is not set: repository tests run on the embedded database only');
}

/** A fresh, migrated database of the given kind; closing it removes it. */
export async function openTestDatabase(kind: DatabaseKind): Promise<Database> {
  if (kind === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'sipcall-test-'));
    // The run's migrated template (global-setup.ts); migrate() below then finds nothing to do.
    cpSync(inject('pgliteTemplate'), dir, { recursive: true });
    const db = await openDatabase({ kind: 'embedded', dataDir: dir }, { log: silentLogger });
    await db.migrate();
    return withCleanup(db, async () => rmSync(dir, { recursive: true, force: true }));
  }
  const adminUrl = TEST_DATABASE_URL!;
  const name = `sipcall_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString() }, { log: silentLogger, poolSize: 4 });
  await db.migrate();
  return withCleanup(db, () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

function withCleanup(db: Database, cleanup: () => Promise<void>): Database {
  return {
    kind: db.kind,
    dataSource: db.dataSource,
    ping: () => db.ping(),
    migrate: () => db.migrate(),
    async close() {
      await db.close();
      await cleanup();
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
