// A fresh PostgreSQL database for one bench run (BENCH_DATABASE_URL, default
// the local server), migrated; dropped afterwards unless BENCH_KEEP is set.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../backend/src/db/database.js';
import { createLogger } from '../backend/src/logger.js';

export async function freshDatabase(progress: (msg: string) => void): Promise<{ db: Database; drop: () => Promise<void> }> {
  const adminUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sipcall_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString() }, { log: createLogger('silent'), poolSize: 4 });
  await db.migrate();
  return {
    db,
    drop: async () => {
      await db.close();
      if (process.env['BENCH_KEEP']) progress(`kept database ${name}`);
      else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
