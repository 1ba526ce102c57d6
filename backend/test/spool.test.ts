// The spool import on FreeSWITCH's real spool files: exactly once, however
// often it runs; files go only after their rows are committed; a rejected
// file stays, with its reason.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSpool } from '../src/cdr/spool.js';
import { startTestApp, type TestApp } from './support/app.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/freeswitch-http');
const SPOOLED = {
  '580cfb22-897a-4420-9c3c-b4f3c9a25524.cdr.json': 'json-cdr-err-log-file-after-500.json',
  'af039749-9c9d-41f2-9f62-a9253469b3e8.cdr.json': 'json-cdr-err-log-file-after-connection-refused.json',
};

function spoolDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sipcall-spool-'));
  for (const [name, fixture] of Object.entries(SPOOLED)) copyFileSync(path.join(FIXTURES, fixture), path.join(dir, name));
  writeFileSync(path.join(dir, '00000000-0000-4000-8000-0000000000aa.cdr.json'), '{"variables": {"uuid": "broken"');
  writeFileSync(path.join(dir, 'notes.txt'), 'not a call record');
  return dir;
}

describe('importing the call-record spool', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());
  const count = async () => (await t.db.dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM cdrs`))[0]!.n;

  it('stores each record once, removes it after commit, and leaves rejected files with their reason', async () => {
    const dir = spoolDir();
    const progress: string[] = [];
    const report = await importSpool(dir, t.services.cdrs, { onProgress: (p) => progress.push(`${p.done}/${p.total}`) });
    expect(report).toMatchObject({ files: 3, stored: 2, duplicates: 0, failed: [] });
    expect(report.rejected).toEqual([{ file: '00000000-0000-4000-8000-0000000000aa.cdr.json', reason: 'Rejected call record: not_json' }]);
    expect(progress).toEqual(['0/3', '1/3', '2/3', '3/3']);
    expect(readdirSync(dir).sort()).toEqual(['00000000-0000-4000-8000-0000000000aa.cdr.json', 'notes.txt']);
    expect(await count()).toBe(2);
  });

  it('gives the same rows when the same files are imported again (a crash before the delete)', async () => {
    const before = await count();
    const report = await importSpool(spoolDir(), t.services.cdrs);
    expect(report).toMatchObject({ stored: 0, duplicates: 2 });
    expect(await count()).toBe(before);
  });

  it('archives instead of deleting when asked', async () => {
    const dir = spoolDir();
    const archive = path.join(dir, 'done');
    await importSpool(dir, t.services.cdrs, { archiveDir: archive });
    expect(readdirSync(archive).sort()).toEqual(Object.keys(SPOOLED).sort());
    expect(existsSync(path.join(dir, Object.keys(SPOOLED)[0]!))).toBe(false);
  });
});
