// Embedded PostgreSQL for a single node with no DATABASE_URL: PGlite on disk,
// served on a loopback port so the `pg` driver talks to it like any server.
// A lock file keeps a second process (a CLI run, a second server) from
// opening the same files, which PGlite does not guard against itself.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export class DatabaseLockedError extends Error {
  constructor(lockFile: string, pid: number) {
    super(
      `The embedded database is in use by process ${pid} (${lockFile}). ` +
        'Stop that SIPCall process first, or point DATABASE_URL at a PostgreSQL server to run several processes.',
    );
    this.name = 'DatabaseLockedError';
  }
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const lockFile = path.join(dataDir, 'sipcall.lock');
  takeLock(lockFile);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    db = await PGlite.create(dataDir);
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    const [host, port] = splitHostPort(server.getServerConn());
    let stopped = false;
    const running = { db, server };
    return {
      host,
      port,
      async stop() {
        if (stopped) return;
        stopped = true;
        await running.server.stop();
        await running.db.close();
        rmSync(lockFile, { force: true });
        heldLocks.delete(lockFile);
      },
    };
  } catch (err) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    rmSync(lockFile, { force: true });
    heldLocks.delete(lockFile);
    throw err;
  }
}

/** Locks this process holds; a lock file naming our own pid but not in here was left by an earlier life (a container restarts as pid 1). */
const heldLocks = new Set<string>();

function takeLock(lockFile: string): void {
  if (heldLocks.has(lockFile)) throw new DatabaseLockedError(lockFile, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldLocks.add(lockFile);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DatabaseLockedError(lockFile, pid);
      // Left behind by a process that died: take it over.
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not take the database lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function splitHostPort(conn: string): [string, number] {
  const i = conn.lastIndexOf(':');
  const port = Number(conn.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port <= 0) throw new Error(`Unexpected PGlite socket address "${conn}"`);
  return [conn.slice(0, i), port];
}
