// The Nextcloud app's release archive: `npm run build:nextcloud-app` writes
// sipcall-<version>.tar.gz with one folder, sipcall/, holding what Nextcloud
// loads (appinfo/info.xml with the same version, lib/, the built front end in
// js/, …) and none of the development files (tests, PHPUnit's configuration,
// node_modules, sources).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = mkdtempSync(path.join(tmpdir(), 'sipcall-app-archive-'));
const noTar = spawnSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).stdout.trim() === '' ? 'tar is not installed' : null;
if (noTar) console.warn(`nextcloud-app-package: ${noTar}`);

describe.skipIf(noTar !== null)('the Nextcloud app’s release archive', () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('holds sipcall/ with appinfo and lib, in the version info.xml names, and nothing of development', () => {
    const archive = execFileSync(process.execPath, [path.join(root, 'scripts/build-nextcloud-app.mjs'), '--out', out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const version = /<version>([^<]+)<\/version>/.exec(readFileSync(path.join(root, 'nextcloud-app/appinfo/info.xml'), 'utf8'))![1]!.trim();
    expect(path.basename(archive)).toBe(`sipcall-${version}.tar.gz`);
    const entries = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(entries.every((e) => e === 'sipcall/' || e.startsWith('sipcall/'))).toBe(true);
    for (const needed of ['sipcall/appinfo/info.xml', 'sipcall/lib/AppInfo/Application.php', 'sipcall/lib/Service/AssertionSigner.php', 'sipcall/js/sipcall-main.mjs', 'sipcall/js/sipcall-admin.mjs']) expect(entries).toContain(needed);
    const development = entries.filter((e) => /(^|\/)(tests|node_modules|src)\/|phpunit\.xml$|package(-lock)?\.json$|vite(st)?\.config|tsconfig|\.(ts|vue|map)$|(^|\/)dist\//.test(e));
    expect(development).toEqual([]);
  });

  it('says how it is used', () => {
    const help = execFileSync(process.execPath, [path.join(root, 'scripts/build-nextcloud-app.mjs'), '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/^Usage: npm run build:nextcloud-app/);
  });
});
