#!/usr/bin/env node
// `npm run build:nextcloud-app`: the Nextcloud app's release archive,
// sipcall-<version>.tar.gz, in the layout `occ app:install` and a manual
// extraction into apps/ expect: one folder `sipcall/` holding what Nextcloud
// loads (appinfo, lib, templates, js, css, img, l10n) and nothing else — no
// tests, no sources, no node_modules. The front end (js/) is built first, with
// the app's own Vite configuration.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = path.join(root, 'nextcloud-app');
/** What a Nextcloud app ships; `appinfo` and `lib` must be there, the rest when the app has them. */
export const SHIPPED = ['appinfo', 'lib', 'templates', 'js', 'css', 'img', 'l10n', 'COPYING', 'README.md'];

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`Usage: npm run build:nextcloud-app [-- --out DIR]

Builds the Nextcloud app's front end (nextcloud-app/js/, with Vite), then its
release archive sipcall-<version>.tar.gz (the version from
nextcloud-app/appinfo/info.xml) into DIR (default: nextcloud-app/dist).
It holds one folder, sipcall/, with ${SHIPPED.join(', ')} where present.
`);
  process.exit(0);
}
const outIndex = args.indexOf('--out');
const outDir = path.resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : path.join(app, 'dist'));

const say = (line) => process.stderr.write(`build:nextcloud-app: ${line}\n`);
const fail = (line) => {
  say(line);
  process.exit(1);
};

const infoPath = path.join(app, 'appinfo/info.xml');
if (!existsSync(infoPath)) fail('nextcloud-app/appinfo/info.xml is missing');
const info = readFileSync(infoPath, 'utf8');
const version = /<version>\s*([0-9]+\.[0-9]+\.[0-9]+(?:-[A-Za-z0-9.]+)?)\s*<\/version>/.exec(info)?.[1];
const id = /<id>\s*([a-z_]+)\s*<\/id>/.exec(info)?.[1];
if (!version) fail('appinfo/info.xml names no version like 1.2.3');
if (id !== 'sipcall') fail(`appinfo/info.xml's id is ${id ?? 'missing'}, not sipcall`);
for (const needed of ['appinfo', 'lib']) if (!existsSync(path.join(app, needed))) fail(`nextcloud-app/${needed} is missing`);
const frontVersion = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')).version;
if (frontVersion !== version) fail(`nextcloud-app/package.json's version ${frontVersion} is not info.xml's ${version}`);

say('front end (vite build)');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', '--silent', 'build', '--workspace', 'nextcloud-app'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) fail('the front end did not build (npm run build --workspace nextcloud-app)');
for (const script of ['js/sipcall-main.mjs', 'js/sipcall-admin.mjs']) if (!existsSync(path.join(app, script))) fail(`the front end's build left no ${script}`);

const stage = mkdtempSync(path.join(tmpdir(), 'sipcall-app-'));
try {
  const folder = path.join(stage, 'sipcall');
  mkdirSync(folder);
  const taken = SHIPPED.filter((entry) => existsSync(path.join(app, entry)));
  taken.forEach((entry, i) => {
    say(`[${i + 1}/${taken.length}] ${entry}`);
    cpSync(path.join(app, entry), path.join(folder, entry), { recursive: true, filter: (src) => !/(^|\/)(node_modules|\.DS_Store|.*\.map)$/.test(src) });
  });
  mkdirSync(outDir, { recursive: true });
  const archive = path.join(outDir, `sipcall-${version}.tar.gz`);
  // Owned by nobody in particular and in a stable order, so the same tree gives the same archive listing.
  const tar = spawnSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '-czf', archive, '-C', stage, 'sipcall'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (tar.status !== 0) fail('tar failed');
  say(`wrote ${path.relative(process.cwd(), archive) || archive} (${(statSync(archive).size / 1024).toFixed(1)} KB)`);
  process.stdout.write(`${archive}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
