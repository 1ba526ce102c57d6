// A real CardDAV server for the tests: Debian's Radicale on a free loopback
// port, a fresh storage folder, and plain htpasswd users. Test code only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

/** The radicale command, or null when it is not installed. */
export const radicaleBinary: string | null = (() => {
  const r = spawnSync('radicale', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'radicale' : null;
})();

export interface Radicale {
  url: string;
  /** Replaces the users and their passwords (Radicale reads the file at each sign-in). */
  setUsers(users: Record<string, string>): void;
  /** A request as `user`, to a path under the root. */
  request(user: string, method: string, pathname: string, body?: string, headers?: Record<string, string>): Promise<Response>;
  /** An address book (MKCOL with CardDAV's resource type) at /user/name/. */
  makeAddressBook(user: string, name: string): Promise<string>;
  putCard(user: string, book: string, file: string, vcard: string): Promise<void>;
  deleteCard(user: string, book: string, file: string): Promise<void>;
  stop(): Promise<void>;
}


export async function startRadicale(users: Record<string, string>): Promise<Radicale> {
  if (!radicaleBinary) throw new Error('radicale is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'sipcall-radicale-'));
  const usersFile = path.join(dir, 'users');
  const passwords = new Map<string, string>();
  const setUsers = (u: Record<string, string>) => {
    passwords.clear();
    for (const [k, v] of Object.entries(u)) passwords.set(k, v);
    writeFileSync(usersFile, Object.entries(u).map(([k, v]) => `${k}:${v}\n`).join(''));
  };
  setUsers(users);
  const port = await freePort();
  const child: ChildProcess = spawn(
    radicaleBinary,
    [
      '--server-hosts', `127.0.0.1:${port}`,
      '--storage-filesystem-folder', path.join(dir, 'collections'),
      '--auth-type', 'htpasswd',
      '--auth-htpasswd-filename', usersFile,
      '--auth-htpasswd-encryption', 'plain',
      '--logging-level', 'info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Ready when it says it listens; its own words, not a fixed wait.
  await new Promise<void>((resolve, reject) => {
    let said = '';
    const onData = (b: Buffer) => {
      said += b.toString();
      if (/Listening on/i.test(said)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`radicale exited (${code}) before listening: ${said.slice(-2000)}`)));
  });
  const url = `http://127.0.0.1:${port}/`;
  const request = (user: string, method: string, pathname: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(new URL(pathname, url), {
      method,
      headers: { Authorization: `Basic ${Buffer.from(`${user}:${passwords.get(user) ?? ''}`).toString('base64')}`, ...headers },
      ...(body !== undefined ? { body } : {}),
    });
  const ok = async (res: Response, what: string) => {
    if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  };
  return {
    url,
    setUsers,
    request,
    async makeAddressBook(user, name) {
      const body = `<?xml version="1.0" encoding="utf-8"?>
<mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><set><prop><resourcetype><collection/><C:addressbook/></resourcetype><displayname>${name}</displayname></prop></set></mkcol>`;
      await ok(await request(user, 'MKCOL', `/${user}/${name}/`, body, { 'Content-Type': 'application/xml' }), 'MKCOL');
      return new URL(`/${user}/${name}/`, url).href;
    },
    async putCard(user, book, file, vcard) {
      await ok(await request(user, 'PUT', `/${user}/${book}/${file}`, vcard, { 'Content-Type': 'text/vcard; charset=utf-8' }), 'PUT');
    },
    async deleteCard(user, book, file) {
      await ok(await request(user, 'DELETE', `/${user}/${book}/${file}`), 'DELETE');
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
