#!/usr/bin/env node
// `npm start`: builds what is missing or stale, then runs the server (or,
// with --cli, the `sipcall` command) in this same process so signals reach it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Newest modification time of any file under these paths (skipping build output and dependencies). */
function newest(paths) {
  let latest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const entry of readdirSync(p)) if (entry !== 'node_modules' && entry !== 'dist') walk(path.join(p, entry));
    } else if (s.mtimeMs > latest) latest = s.mtimeMs;
  };
  paths.forEach((p) => walk(path.join(root, p)));
  return latest;
}

function buildIfStale(workspace, output, inputs) {
  const out = path.join(root, output);
  if (existsSync(out) && statSync(out).mtimeMs >= newest(inputs)) return;
  process.stderr.write(`sipcall: building ${workspace}…\n`);
  const r = spawnSync(npm, ['run', 'build', '--workspace', workspace], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`sipcall: building ${workspace} failed\n`);
    process.exit(r.status ?? 1);
  }
}

const cli = process.argv[2] === '--cli';
const buildOnly = process.argv[2] === '--build';
buildIfStale('backend', 'backend/dist/main.js', ['backend/src', 'backend/package.json', 'backend/tsconfig.build.json', 'tsconfig.base.json', 'contract']);
if (!cli) {
  buildIfStale('frontend', 'frontend/dist/index.html', ['frontend/src', 'frontend/public', 'frontend/index.html', 'frontend/vite.config.ts', 'frontend/package.json', 'contract']);
}

if (buildOnly) process.exit(0);

const entry = path.join(root, 'backend/dist', cli ? 'cli.js' : 'main.js');
if (cli) process.argv.splice(2, 1);
await import(pathToFileURL(entry).href);
