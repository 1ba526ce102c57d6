// Opening the database says what it is doing: the embedded database's first
// start takes many seconds, and a silent terminal looks like a hang.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { silentLogger } from './support/logger.js';

const MIGRATIONS = ['Foundation1763704800000', 'Routing1763712000000', 'CallRecords1763719200000', 'PasswordResets1763726400000', 'Contacts1764748800000', 'NextcloudContacts1764921600000', 'NextcloudIdentities1765008000000', 'Rates1765267200000', 'Ledger1765440000000'];

describe('opening the embedded database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sipcall-progress-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says that a first start creates it and takes a while, then each migration as it starts', async () => {
    const said: string[] = [];
    const dataDir = path.join(dir, 'pglite');
    const db = await openDatabase({ kind: 'embedded', dataDir }, { log: silentLogger, progress: (m) => said.push(m) });
    try {
      expect(said).toEqual([`creating the embedded database in ${dataDir} (first start takes a while)…`, 'database ready']);
      said.length = 0;
      expect(await db.migrate()).toEqual(MIGRATIONS);
      expect(said).toEqual(MIGRATIONS.map((m) => `applying migration ${m}…`));
    } finally {
      await db.close();
    }
  }, 120_000);

  it('says it starts the existing one on a later start, and applies nothing', async () => {
    const said: string[] = [];
    const dataDir = path.join(dir, 'pglite');
    const db = await openDatabase({ kind: 'embedded', dataDir }, { log: silentLogger, progress: (m) => said.push(m) });
    try {
      expect(await db.migrate()).toEqual([]);
      expect(said).toEqual([`starting the embedded database in ${dataDir}…`, 'database ready']);
    } finally {
      await db.close();
    }
  }, 120_000);
});
