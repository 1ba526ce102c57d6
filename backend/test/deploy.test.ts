// The compose stack and Dockerfile are for users' Docker hosts; here they are
// parsed and checked, and run through `docker compose config` when it exists.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');

interface Service {
  image?: string;
  build?: { dockerfile: string };
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const dockerfile = read('docker/backend.Dockerfile');
const SECRETS = ['JWT_SECRET', 'ENCRYPTION_MASTER_KEY', 'FREESWITCH_NODES', 'POSTGRES_PASSWORD', 'SWITCH_HTTP_PASSWORD', 'BLIND_INDEX_KEY'];

describe('docker-compose.yml', () => {
  it('gives every service a healthcheck', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test, `${name} healthcheck`).toBeDefined();
    }
  });

  it('pins every image to a version, never latest', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.image) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:(?!latest$)[\w.-]+$/);
    }
  });

  it('writes no secret inline: each one must come from the environment and is required', () => {
    const text = read('docker-compose.yml');
    for (const secret of SECRETS) expect(text).toMatch(new RegExp(`\\$\\{${secret}:\\?`));
    const env = compose.services['sipcall']!.environment!;
    for (const key of ['JWT_SECRET', 'ENCRYPTION_MASTER_KEY', 'FREESWITCH_NODES', 'SWITCH_HTTP_PASSWORD']) expect(env[key]).toMatch(/^\$\{\w+:\?/);
    expect(env['NODE_ENV']).toBe('production');
  });

  it('starts SIPCall only after healthy PostgreSQL and Redis', () => {
    expect(compose.services['sipcall']!.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('lists every variable it uses in .env.example', () => {
    const used = new Set([...read('docker-compose.yml').matchAll(/\$\{(\w+)/g)].map((m) => m[1]!));
    const documented = new Set([...read('.env.example').matchAll(/^(\w+)=/gm)].map((m) => m[1]!));
    expect([...used].filter((v) => !documented.has(v))).toEqual([]);
    expect(read('.env.example')).not.toMatch(/^(JWT_SECRET|ENCRYPTION_MASTER_KEY|POSTGRES_PASSWORD|SWITCH_HTTP_PASSWORD)=\S/m);
  });

  it('publishes the port the image listens on', () => {
    expect(compose.services['sipcall']!.ports).toEqual(['${SIPCALL_PORT:-8080}:8080']);
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toMatch(/PORT=8080/);
  });

  const docker = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  const hasCompose = docker.status === 0;
  it.skipIf(!hasCompose)('passes docker compose config with secrets set, and fails naming a missing one', () => {
    const env = { ...process.env, POSTGRES_PASSWORD: 'p'.repeat(24), JWT_SECRET: 'j'.repeat(48), ENCRYPTION_MASTER_KEY: 'k'.repeat(43) + '=', FREESWITCH_NODES: 'esl://:secret-password@fs:8021', SWITCH_HTTP_PASSWORD: 's'.repeat(24), BLIND_INDEX_KEY: 'b'.repeat(43) + '=' };
    expect(spawnSync('docker', ['compose', 'config', '--quiet'], { cwd: ROOT, env, encoding: 'utf8' }).status).toBe(0);
    const missing = spawnSync('docker', ['compose', 'config', '--quiet'], { cwd: ROOT, env: { ...env, JWT_SECRET: '' }, encoding: 'utf8' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('JWT_SECRET');
  });
  if (!hasCompose) console.warn('docker compose is not installed: compose file checked by parsing only');
});

describe('docker/backend.Dockerfile', () => {
  it('builds in stages and runs as a non-root user with a healthcheck', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).not.toMatch(/^FROM \S+:latest/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
  });
});
