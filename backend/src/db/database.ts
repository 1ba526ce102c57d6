// The data layer: one TypeORM DataSource over the `pg` driver, pointed either
// at a real PostgreSQL (DATABASE_URL) or at an embedded PGlite kept on disk,
// which is served over its socket so both run the same driver and the same SQL.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, type EntitySchema, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { Config } from '../config/settings.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { migrations } from './migrations/index.js';
import { AuditEntryEntity } from '../audit/audit.entity.js';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.js';
import { UserEntity } from '../users/user.entity.js';

export const entities: EntitySchema<never>[] = [UserEntity, RefreshTokenEntity, AuditEntryEntity] as EntitySchema<never>[];

export interface Database {
  readonly kind: 'postgres' | 'embedded';
  readonly dataSource: DataSource;
  ping(): Promise<void>;
  /** Applies pending migrations, telling progress each one as it starts; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  log: Logger;
  /** Pool size for PostgreSQL; the embedded database always has one connection. */
  poolSize?: number;
  /**
   * Told each step of opening and migrating, for whoever waits for it (the
   * embedded database's first start takes a while); logged at info without it.
   */
  progress?: (message: string, fields?: Record<string, unknown>) => void;
}

/** A migration class as the list in migrations/ holds them. */
type MigrationClass = new () => MigrationInterface;

export async function openDatabase(config: Config['database'], options: OpenDatabaseOptions): Promise<Database> {
  const progress = options.progress ?? ((message: string, fields?: Record<string, unknown>) => options.log.info(fields ?? {}, message));
  let embedded: EmbeddedPostgres | null = null;
  let connection: { url: string } | { host: string; port: number; username: string; database: string };
  if (config.kind === 'embedded') {
    mkdirSync(config.dataDir, { recursive: true });
    // PGlite creates the cluster on its first start, which takes many seconds.
    const fresh = !existsSync(path.join(config.dataDir, 'PG_VERSION'));
    const where = shownPath(config.dataDir);
    progress(fresh ? `creating the embedded database in ${where} (first start takes a while)…` : `starting the embedded database in ${where}…`, { dataDir: config.dataDir });
    embedded = await startEmbeddedPostgres(config.dataDir);
    connection = { host: embedded.host, port: embedded.port, username: 'postgres', database: 'postgres' };
  } else {
    progress(`connecting to PostgreSQL at ${serverOf(config.url)}…`);
    connection = { url: config.url };
  }

  // Each migration says when it starts: a first start applies them all.
  let starting: ((name: string) => void) | null = null;
  const announced = (migrations as MigrationClass[]).map(
    (Migration) =>
      class extends Migration {
        override async up(q: QueryRunner): Promise<void> {
          starting?.(this.name ?? Migration.name);
          await super.up(q);
        }
      },
  );

  const dataSource = new DataSource({
    type: 'postgres',
    ...connection,
    entities,
    migrations: announced,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    // PGlite is a single-connection database: one client, queued queries.
    poolSize: embedded ? 1 : (options.poolSize ?? 10),
    // The embedded database answers on loopback once its WebAssembly server has started, which on a
    // busy machine takes far longer than a network round trip: a connection there is worth waiting for.
    extra: { connectionTimeoutMillis: embedded ? 60_000 : 10_000, application_name: 'sipcall' },
  });

  try {
    await dataSource.initialize();
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  progress('database ready');

  return {
    kind: config.kind,
    dataSource,
    async ping() {
      await dataSource.query('SELECT 1');
    },
    async migrate() {
      starting = (name) => progress(`applying migration ${name}…`, { migration: name });
      try {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        return applied.map((m) => m.name);
      } finally {
        starting = null;
      }
    },
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** A directory as whoever started us would write it: relative when it is below the working directory. */
function shownPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? dir : `.${path.sep}${relative}`;
}

/** host:port/database of a connection URL, never its credentials. */
function serverOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
