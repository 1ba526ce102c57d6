// bench:bundle — what the browser downloads for the dialpad, beside the whole
// app. Builds the web app into a scratch folder with Vite's manifest, follows
// the static imports of the entry and of the Phone page (what loads before
// the dialpad works), and gzips each chunk at level 9 as a web server would.
// Then the Nextcloud app's front end: what every Nextcloud page loads, what
// the tab that holds the phone adds (JsSIP), and what a Talk page adds (the
// full number metadata). The last line is one JSON object; the targets are
// dialpad_initial_kb ≤ 250 and nextcloud_page_kb ≤ 150.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

interface Chunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(path.join(tmpdir(), 'sipcall-bundle-'));
try {
  process.stderr.write('building the web app…\n');
  const build = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--manifest', '--outDir', out, '--emptyOutDir'], {
    cwd: path.join(root, 'frontend'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new Error('vite build failed');
  const manifest = JSON.parse(readFileSync(path.join(out, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;
  const gz = (file: string) => gzipSync(readFileSync(path.join(out, file)), { level: 9 }).length / 1024;

  /** The files a chunk needs before it runs: itself, its static imports, and their CSS. */
  function closure(keys: string[]): Set<string> {
    const files = new Set<string>();
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      const c = manifest[key]!;
      files.add(c.file);
      for (const css of c.css ?? []) files.add(css);
      for (const i of c.imports ?? []) visit(i);
    };
    keys.forEach(visit);
    return files;
  }
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const phone = Object.keys(manifest).find((k) => k.endsWith('views/HomeView.vue'))!;
  const analytics = Object.keys(manifest).find((k) => k.endsWith('views/admin/AnalyticsView.vue'))!;
  const sum = (files: Iterable<string>, ext: string) => [...files].filter((f) => f.endsWith(ext)).reduce((n, f) => n + gz(f), 0);
  const dialpad = closure([entry, phone]);
  const allJs = readdirSync(path.join(out, 'assets')).map((f) => `assets/${f}`);
  const analyticsOnly = [...closure([analytics])].filter((f) => !dialpad.has(f));

  for (const f of [...dialpad].sort()) process.stderr.write(`  dialpad: ${f} ${gz(f).toFixed(1)} KB gzip\n`);
  const round = (n: number) => Math.round(n * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'bundle',
      dialpad_initial_kb: round(sum(dialpad, '.js')),
      dialpad_css_kb: round(sum(dialpad, '.css')),
      all_js_kb: round(sum(allJs, '.js')),
      analytics_extra_kb: round(sum(analyticsOnly, '.js')),
      target_kb: 250,
      ...nextcloudApp(),
    })}\n`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}

/** The Nextcloud app's scripts as its own build writes them (nextcloud-app/js), gzipped at level 9. */
function nextcloudApp(): Record<string, number> {
  process.stderr.write('building the Nextcloud app’s front end…\n');
  const build = spawnSync('npm', ['run', '--silent', 'build', '--workspace', 'nextcloud-app'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('the Nextcloud app did not build');
  const dir = path.join(root, 'nextcloud-app/js');
  const files = readdirSync(dir);
  const kb = (pattern: RegExp) => files.filter((f) => pattern.test(f)).reduce((n, f) => n + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length / 1024, 0);
  const round = (n: number) => Math.round(n * 10) / 10;
  for (const f of files.sort()) process.stderr.write(`  nextcloud: js/${f} ${(gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length / 1024).toFixed(1)} KB gzip\n`);
  return {
    nextcloud_page_kb: round(kb(/^sipcall-main\.mjs$/)),
    nextcloud_phone_tab_extra_kb: round(kb(/^jssip-phone-.*\.chunk\.mjs$/)),
    nextcloud_talk_extra_kb: round(kb(/^talk-actions-.*\.chunk\.mjs$/)),
    nextcloud_page_target_kb: 150,
  };
}
