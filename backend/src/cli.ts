#!/usr/bin/env node
// `sipcall`: operator commands that work straight on the database, for the
// first admin and for recovery. Arguments are validated like any other input.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { createPasswordHasher } from './auth/password.js';
import { createServices, createSwitching } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics/metrics.js';
import { MemoryState } from './state/memory.js';
import { displayNameSchema, emailSchema, passwordSchema } from './users/users.schema.js';
import { importSpool } from './cdr/spool.js';
import { passwordWeakness } from './users/password-policy.js';

const USAGE = `Usage:
  sipcall admin create --email EMAIL [--name NAME]   create an admin (password asked, or read from stdin)
  sipcall admin reset-password --email EMAIL         set a new password and end the user's sessions
  sipcall migrate                                    apply pending database migrations
  sipcall cdr import DIR [--archive DIR]             take in the call records FreeSWITCH spooled (safe to run twice)
  sipcall keys rotate                                re-wrap every data key with the current master key
  sipcall help

With the embedded database (no DATABASE_URL), stop the server first: one process owns it at a time.`;

class UsageError extends Error {}

const adminArgs = z.strictObject({ email: emailSchema, name: displayNameSchema.optional() });
const CLI_ACTOR = { actor: { id: null, email: 'cli' }, ip: null };

export async function runCli(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return group === undefined ? 64 : 0;
    }
    if (group === 'migrate' && command === undefined) return await withDatabase(async (db) => {
      const applied = await db.migrate();
      process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'schema up to date\n');
      return 0;
    });
    if (group === 'cdr' && command === 'import') {
      const { values, positionals } = parseArgs({ args: rest, options: { archive: { type: 'string' } }, allowPositionals: true, strict: true });
      if (positionals.length !== 1) throw new UsageError('cdr import takes one directory');
      const dir = positionals[0]!;
      return await withDatabase(async (_db, services) => {
        const report = await importSpool(dir, services.cdrs, { archiveDir: values.archive ?? null, onProgress: progressBar('importing') });
        await services.cdrIngest.drain();
        await services.cdrExtractor.close();
        process.stdout.write(`${report.files} files: ${report.stored} stored, ${report.duplicates} already stored, ${report.rejected.length} rejected, ${report.failed.length} failed\n`);
        for (const r of [...report.rejected, ...report.failed]) process.stdout.write(`  ${r.file}: ${r.reason}\n`);
        return report.failed.length > 0 ? 1 : 0;
      });
    }
    if (group === 'keys' && command === 'rotate' && rest.length === 0) {
      return await withDatabase(async (_db, services) => {
        const done = await services.keys.rotate(progressBar('re-wrapping data keys'));
        process.stdout.write(`${done.done} data keys re-wrapped with master key ${services.keys.currentMasterId}; retired keys can now be removed\n`);
        return 0;
      });
    }
    if (group === 'admin' && (command === 'create' || command === 'reset-password')) {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' } }, strict: true });
      const parsed = adminArgs.safeParse(values);
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join('.') || 'arguments'}: ${i.message}`).join('\n'));
      if (command === 'reset-password' && parsed.data.name !== undefined) throw new UsageError('--name is only for admin create');
      const password = await askPassword();
      // Checked again, with the account's name, when it is stored; said here before anything is opened.
      const weakness = command === 'create' ? passwordWeakness(password, { email: parsed.data.email, displayName: parsed.data.name }) : null;
      if (weakness) throw new UsageError(`password ${weakness}`);
      return await withDatabase(async (db, services) => {
        if (command === 'create') {
          const user = await services.users.create({ email: parsed.data.email, displayName: parsed.data.name ?? 'Administrator', role: 'admin', password }, CLI_ACTOR);
          process.stdout.write(`created admin ${user.email} (${user.id})\n`);
          return 0;
        }
        const user = await services.users.findByEmail(parsed.data.email);
        if (!user) throw new UsageError(`no user with email ${parsed.data.email}`);
        await services.users.update(user.id, { password }, CLI_ACTOR);
        process.stdout.write(`password of ${user.email} changed; their sessions were ended\n`);
        return 0;
      });
    }
    throw new UsageError(`unknown command: ${argv.join(' ')}`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sipcall: ${err.message}\n\n${USAGE}\n`);
      return 64; // EX_USAGE
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`sipcall: ${err.message}\n`);
      return 78;
    }
    process.stderr.write(`sipcall: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function withDatabase(work: (db: Database, services: ReturnType<typeof createServices>) => Promise<number>): Promise<number> {
  const config = loadConfig(process.env, { persistDevelopmentSecrets: true });
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase(config.database, { log, poolSize: 2 });
  const passwords = createPasswordHasher();
  try {
    await db.migrate();
    // Operator commands never touch the switches: an unstarted pool and local state are enough.
    const metrics = createMetrics();
    const state = new MemoryState();
    const switching = createSwitching({ config: { ...config, switch: { ...config.switch, nodes: [] } }, state, log, metrics });
    return await work(db, createServices({ config, db, passwords, metrics, switching, state, log }));
  } finally {
    await passwords.close();
    await db.close();
  }
}

/** Progress on stderr: a redrawn bar on a terminal, a line every 10% otherwise. */
function progressBar(label: string): (p: { done: number; total: number }) => void {
  let lastDecile = -1;
  return ({ done, total }) => {
    const share = total === 0 ? 1 : done / total;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(share * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    }
  };
}

/** From a terminal: asked twice, not echoed. Piped: the first line of stdin. */
async function askPassword(): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await promptHidden('Password (12+ characters): ');
    if ((await promptHidden('Repeat password: ')) !== password) throw new UsageError('the passwords differ');
  } else {
    password = await firstLine();
  }
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) throw new UsageError(`password ${checked.error.issues.map((i) => i.message).join(', ')}`);
  return checked.data;
}

function firstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin });
    let line: string | null = null;
    rl.once('line', (l) => {
      line = l;
      rl.close();
    });
    rl.once('close', () => (line === null ? reject(new UsageError('no password on stdin')) : resolve(line)));
  });
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
