// The data layer: one TypeORM DataSource over the `pg` driver, pointed either
// at a real PostgreSQL (DATABASE_URL) or at an embedded PGlite kept on disk,
// which is served over its socket so both run the same driver and the same SQL.
import { mkdirSync } from 'node:fs';
import { DataSource, type EntitySchema } from 'typeorm';
import type { Config } from '../config.js';
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
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  log: Logger;
  /** Pool size for PostgreSQL; the embedded database always has one connection. */
  poolSize?: number;
}

export async function openDatabase(config: Config['database'], options: OpenDatabaseOptions): Promise<Database> {
  let embedded: EmbeddedPostgres | null = null;
  let connection: { url: string } | { host: string; port: number; username: string; database: string };
  if (config.kind === 'embedded') {
    mkdirSync(config.dataDir, { recursive: true });
    embedded = await startEmbeddedPostgres(config.dataDir);
    connection = { host: embedded.host, port: embedded.port, username: 'postgres', database: 'postgres' };
    options.log.info({ dataDir: config.dataDir }, 'using the embedded database (PGlite)');
  } else {
    connection = { url: config.url };
  }

  const dataSource = new DataSource({
    type: 'postgres',
    ...connection,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    // PGlite is a single-connection database: one client, queued queries.
    poolSize: embedded ? 1 : (options.poolSize ?? 10),
    extra: { connectionTimeoutMillis: 10_000, application_name: 'sipcall' },
  });

  try {
    await dataSource.initialize();
  } catch (err) {
    await embedded?.stop();
    throw err;
  }

  return {
    kind: config.kind,
    dataSource,
    async ping() {
      await dataSource.query('SELECT 1');
    },
    async migrate() {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    },
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
