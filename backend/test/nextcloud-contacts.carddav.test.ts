// A user's Nextcloud address book over CardDAV, against a real CardDAV server
// (Radicale): connecting with an app password, syncing (sync-collection, and
// ETags where a server has no sync), numbers as people type them, names in
// lookups and search, a refused password said, erasure and the export.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardDavRefusedError, TsdavCardDavServer, type CardDavServer, type DavAccess, type RemoteBook } from '../src/nextcloud-contacts/carddav.js';
import { CONNECT_FAILURES } from '../src/nextcloud-contacts/nextcloud-contacts.routes.js';
import { AddressBookRefresher } from '../src/nextcloud-contacts/background-sync.js';
import { CLI, createUser, startTestApp, type TestApp } from './support/app.js';
import { radicaleBinary, startRadicale, type Radicale } from './support/radicale.js';

const PASSWORD = 'a long enough password';
const ALICE_APP_PASSWORD = 'Abcde-Fghij-Klmno-Pqrst-Uvwxy';
const BOB_APP_PASSWORD = 'Zyxwv-Utsrq-Ponml-Kjihg-Fedcb';

const card = (...lines: string[]) => ['BEGIN:VCARD', ...lines, 'END:VCARD', ''].join('\r\n');
const ANNA = card('VERSION:3.0', 'UID:anna', 'FN:Anna Alt', 'N:Alt;Anna;;;', 'ORG:Acme GmbH', 'TEL;TYPE=CELL:+49 30 1234567', 'TEL;TYPE=WORK,VOICE:030 7654321 x12');
const BERT = 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:bert\r\nFN:Bert\r\n  Brandt\r\nTEL;VALUE=uri;TYPE=home:tel:+49-30-555123;ext=5\r\nEND:VCARD\r\n';
const CARL = card('VERSION:4.0', 'UID:carl', 'FN:Carl Cole', 'EMAIL:carl@example.com');
const DORA = card('VERSION:3.0', 'UID:dora', 'FN:Dora Diaz', 'N:Diaz;Dora;;;', 'TEL:12', 'TEL;TYPE=cell:0171 2345678');

/** The real client, recording which cards it fetched; for some users it acts as a server without sync-collection would. */
class Recording implements CardDavServer {
  readonly fetched: string[] = [];
  readonly withoutSync = new Set<string>();
  private readonly real = new TsdavCardDavServer({ timeoutMs: 10_000 });
  async books(access: DavAccess): Promise<RemoteBook[]> {
    const books = await this.real.books(access);
    return access.auth.kind === 'basic' && this.withoutSync.has(access.auth.username) ? books.map((b) => ({ ...b, supportsSync: false })) : books;
  }
  changesSince(access: DavAccess, book: RemoteBook, token: string | null) {
    return this.real.changesSince(access, book, token);
  }
  listing(access: DavAccess, book: RemoteBook) {
    return this.real.listing(access, book);
  }
  async cards(access: DavAccess, book: RemoteBook, hrefs: string[]) {
    this.fetched.push(...hrefs.map((h) => new URL(h).pathname));
    return this.real.cards(access, book, hrefs);
  }
}

if (!radicaleBinary) console.warn('radicale is not installed: the Nextcloud address-book tests against a real CardDAV server are skipped (apt-get install radicale)');

describe.skipIf(!radicaleBinary)('Nextcloud contacts over CardDAV, against Radicale', () => {
  let dav: Radicale;
  let t: TestApp;
  const server = new Recording();
  let ann: string;
  let annId: string;
  let bob: string;

  beforeAll(async () => {
    dav = await startRadicale({ alice: ALICE_APP_PASSWORD, bob: BOB_APP_PASSWORD });
    await dav.makeAddressBook('alice', 'contacts');
    for (const [file, vcard] of [['anna.vcf', ANNA], ['bert.vcf', BERT], ['carl.vcf', CARL], ['dora.vcf', DORA]] as const) await dav.putCard('alice', 'contacts', file, vcard);
    await dav.makeAddressBook('bob', 'office');
    await dav.putCard('bob', 'office', 'anna.vcf', ANNA);
    await dav.putCard('bob', 'office', 'bert.vcf', BERT);
    t = await startTestApp({ DEFAULT_COUNTRY: 'DE', CARDDAV_URL: dav.url }, { cardDav: server });
    annId = (await createUser(t, { email: 'ann@example.com', displayName: 'Ann' })).id;
    await createUser(t, { email: 'bob@example.com', displayName: 'Bob' });
    const signIn = async (email: string) => (await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken as string;
    ann = await signIn('ann@example.com');
    bob = await signIn('bob@example.com');
  });
  afterAll(async () => {
    await t?.close();
    await dav?.stop();
  });

  const as = (token: string) => ({
    get: (url: string) => request(t.app).get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string) => request(t.app).post(url).set('Authorization', `Bearer ${token}`),
    put: (url: string) => request(t.app).put(url).set('Authorization', `Bearer ${token}`),
    delete: (url: string) => request(t.app).delete(url).set('Authorization', `Bearer ${token}`),
  });
  const stored = async () => {
    const [connections, books, cards] = await Promise.all(
      ['nextcloud_connections', 'nextcloud_address_books', 'nextcloud_contacts'].map((table) => t.db.dataSource.query<Array<Record<string, unknown>>>(`SELECT * FROM ${table}`)),
    );
    return { connections: connections!, books: books!, cards: cards! };
  };

  it('refuses a wrong app password with 422, says so in words, and stores nothing', async () => {
    const res = await as(ann).put('/api/nextcloud-contacts/connection').send({ username: 'alice', appPassword: 'wrong-password' }).expect(422);
    expect(res.body.error).toEqual({ code: 'nextcloud_credentials_refused', message: 'Nextcloud refused the user name or app password' });
    const after = await stored();
    expect(after.connections).toEqual([]);
    expect(after.books).toEqual([]);
    expect(after.cards).toEqual([]);
    expect((await as(ann).get('/api/nextcloud-contacts/connection').expect(200)).body).toMatchObject({ available: true, connected: false, contacts: 0 });
  });

  it.each([
    ['no app password', { username: 'alice' }],
    ['an empty user name', { username: ' ', appPassword: ALICE_APP_PASSWORD }],
    ['an unknown field', { username: 'alice', appPassword: ALICE_APP_PASSWORD, url: 'http://elsewhere.example' }],
    ['a password that is not text', { username: 'alice', appPassword: 42 }],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_what, body) => {
    const res = await as(ann).put('/api/nextcloud-contacts/connection').send(body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect((await stored()).connections).toEqual([]);
  });

  it('connects with the app password, syncs the cards and keeps names, organisations, numbers and the password sealed', async () => {
    const res = await as(ann).put('/api/nextcloud-contacts/connection').send({ username: 'alice', appPassword: ALICE_APP_PASSWORD }).expect(200);
    expect(res.body).toMatchObject({ available: true, connected: true, username: 'alice', books: 1, contacts: 4, lastError: null, syncing: false });
    expect(Date.parse(res.body.lastSyncedAt)).toBeGreaterThan(Date.now() - 60_000);
    const text = JSON.stringify(await stored());
    for (const secret of ['Anna', 'Acme', '1234567', '555123', 'Dora', ALICE_APP_PASSWORD, 'alice/contacts', 'anna.vcf']) expect(text).not.toContain(secret);
    const [book] = (await stored()).books;
    expect(book!['sync_token']).toMatch(/sync/);
  });

  it('reads every number as people type it: E.164 in the user’s country, the extension and the label kept, a number that is none kept as typed and not callable', async () => {
    const { items } = (await as(ann).get('/api/nextcloud-contacts').expect(200)).body;
    expect(items.map((c: { displayName: string }) => c.displayName)).toEqual(['Anna Alt', 'Bert Brandt', 'Carl Cole', 'Dora Diaz']);
    expect(items[0]).toMatchObject({
      organisation: 'Acme GmbH',
      numbers: [
        { label: 'mobile', typed: '+49 30 1234567', number: '+49301234567', extension: null },
        { label: 'work', typed: '030 7654321', number: '+49307654321', extension: '12' },
      ],
    });
    expect(items[1].numbers).toEqual([{ label: 'home', typed: '+49-30-555123', number: '+4930555123', extension: '5' }]);
    expect(items[2].numbers).toEqual([]);
    expect(items[3].numbers).toEqual([
      { label: 'other', typed: '12', number: null, extension: null },
      { label: 'mobile', typed: '0171 2345678', number: '+491712345678', extension: null },
    ]);
  });

  it('names Nextcloud contacts in the number lookup history and the incoming-call screen use; one’s own contact wins', async () => {
    await as(ann).post('/api/contacts').send({ displayName: 'Anna (own)', numbers: [{ label: 'mobile', number: '+49 30 1234567' }] }).expect(201);
    const res = await as(ann).get('/api/contacts/lookup').query({ numbers: '+49301234567,030 7654321,+4930555123,+4930999999' }).expect(200);
    expect(res.body.names).toEqual({ '+49301234567': 'Anna (own)', '+49307654321': 'Anna Alt', '+4930555123': 'Bert Brandt' });
    // Another user's Nextcloud contacts are not theirs.
    expect((await as(bob).get('/api/contacts/lookup').query({ numbers: '+49307654321' }).expect(200)).body.names).toEqual({});
  });

  it('finds contacts by name and by number as one types, marking where each comes from', async () => {
    const byName = (await as(ann).get('/api/contacts/search').query({ q: 'ann' }).expect(200)).body.items;
    expect(byName.map((m: { source: string; displayName: string }) => [m.source, m.displayName])).toEqual([
      ['sipcall', 'Anna (own)'],
      ['nextcloud', 'Anna Alt'],
    ]);
    const byDigits = (await as(ann).get('/api/contacts/search').query({ q: '0171 234' }).expect(200)).body.items;
    expect(byDigits.map((m: { displayName: string }) => m.displayName)).toEqual(['Dora Diaz']);
    const byOrganisation = (await as(ann).get('/api/contacts/search').query({ q: 'acme' }).expect(200)).body.items;
    expect(byOrganisation.map((m: { displayName: string }) => m.displayName)).toEqual(['Anna Alt']);
    await as(ann).get('/api/contacts/search').expect(400);
    await as(ann).get('/api/contacts/search').query({ q: 'a', limit: 0 }).expect(400);
  });

  it('syncs again by sync token: fetches only the card that changed, applies the deletion', async () => {
    const [before] = (await stored()).books;
    await dav.putCard('alice', 'contacts', 'anna.vcf', card('VERSION:3.0', 'UID:anna', 'FN:Anna Alt-Berg', 'TEL;TYPE=CELL:+49 30 1234567', 'TEL;TYPE=WORK:+49 30 1111111'));
    await dav.deleteCard('alice', 'contacts', 'bert.vcf');
    server.fetched.length = 0;
    const res = await as(ann).post('/api/nextcloud-contacts/connection/sync').expect(200);
    expect(res.body).toMatchObject({ contacts: 3, lastError: null });
    expect(server.fetched).toEqual(['/alice/contacts/anna.vcf']);
    const [after] = (await stored()).books;
    expect(after!['sync_token']).not.toBe(before!['sync_token']);
    const names = (await as(ann).get('/api/contacts/lookup').query({ numbers: '+49307654321,+49301111111,+4930555123' }).expect(200)).body.names;
    expect(names).toEqual({ '+49301111111': 'Anna Alt-Berg' });
  });

  it('starts over from a full listing when the server no longer knows the sync token, and keeps what is there', async () => {
    await t.db.dataSource.query(`UPDATE nextcloud_address_books SET sync_token = 'http://radicale.org/ns/sync/forgotten' WHERE user_id = $1`, [annId]);
    await dav.deleteCard('alice', 'contacts', 'carl.vcf');
    const res = await as(ann).post('/api/nextcloud-contacts/connection/sync').expect(200);
    expect(res.body).toMatchObject({ contacts: 2, lastError: null });
    const [book] = (await stored()).books;
    expect(book!['sync_token']).not.toBe('http://radicale.org/ns/sync/forgotten');
    await dav.putCard('alice', 'contacts', 'carl.vcf', CARL);
    expect((await as(ann).post('/api/nextcloud-contacts/connection/sync').expect(200)).body.contacts).toBe(3);
  });

  it('syncs by ETags where the server has no sync-collection: only changed cards fetched, deletions applied', async () => {
    server.withoutSync.add('bob');
    await as(bob).put('/api/nextcloud-contacts/connection').send({ username: 'bob', appPassword: BOB_APP_PASSWORD }).expect(200);
    await dav.putCard('bob', 'office', 'bert.vcf', card('VERSION:3.0', 'UID:bert', 'FN:Bert Brandt', 'TEL:+49 30 2222222'));
    await dav.putCard('bob', 'office', 'erik.vcf', card('VERSION:3.0', 'UID:erik', 'FN:Erik Ek', 'TEL:+46 8 123 456 78'));
    await dav.deleteCard('bob', 'office', 'anna.vcf');
    server.fetched.length = 0;
    const res = await as(bob).post('/api/nextcloud-contacts/connection/sync').expect(200);
    expect(res.body).toMatchObject({ contacts: 2, lastError: null });
    expect(server.fetched.sort()).toEqual(['/bob/office/bert.vcf', '/bob/office/erik.vcf']);
    const { items } = (await as(bob).get('/api/nextcloud-contacts').expect(200)).body;
    expect(items.map((c: { displayName: string; numbers: Array<{ number: string }> }) => [c.displayName, c.numbers[0]!.number])).toEqual([
      ['Bert Brandt', '+49302222222'],
      ['Erik Ek', '+46812345678'],
    ]);
  });

  it('records a refused app password on the background refresh and shows it, keeping the cards; a good sync clears it', async () => {
    dav.setUsers({ alice: 'revoked-in-nextcloud', bob: BOB_APP_PASSWORD });
    await new AddressBookRefresher({ contacts: t.services.nextcloudContacts, everySeconds: 3600, log: t.services.nextcloudContacts['deps'].log }).tick();
    const status = (await as(ann).get('/api/nextcloud-contacts/connection').expect(200)).body;
    expect(status).toMatchObject({ connected: true, contacts: 3, lastError: { code: 'credentials_refused' } });
    expect((await as(bob).get('/api/nextcloud-contacts/connection').expect(200)).body.lastError).toBeNull();
    dav.setUsers({ alice: ALICE_APP_PASSWORD, bob: BOB_APP_PASSWORD });
    expect((await as(ann).post('/api/nextcloud-contacts/connection/sync').expect(200)).body.lastError).toBeNull();
  });

  it('puts the connection (without its password) and every card in the data export', async () => {
    const res = await as(ann).get('/api/me/export').expect(200);
    expect(res.body.nextcloudContacts.connection).toMatchObject({ username: 'alice' });
    expect(res.body.nextcloudContacts.contacts.map((c: { displayName: string }) => c.displayName)).toEqual(['Anna Alt-Berg', 'Carl Cole', 'Dora Diaz']);
    expect(JSON.stringify(res.body)).not.toContain(ALICE_APP_PASSWORD);
  });

  it('disconnects: the credentials and cached cards go; a second disconnect is 404', async () => {
    await as(bob).delete('/api/nextcloud-contacts/connection').expect(204);
    await as(bob).delete('/api/nextcloud-contacts/connection').expect(404);
    await as(bob).post('/api/nextcloud-contacts/connection/sync').expect(404);
    expect((await as(bob).get('/api/nextcloud-contacts').expect(200)).body.items).toEqual([]);
    const left = await stored();
    expect(left.connections.map((c) => c['user_id'])).toEqual([annId]);
  });

  it('erases the user’s connection and cached cards with the rest of their data', async () => {
    await t.services.privacy.erase(annId, CLI);
    const left = await stored();
    expect(left).toEqual({ connections: [], books: [], cards: [] });
  });
});

describe('Nextcloud contacts where no CardDAV server is configured', () => {
  let t: TestApp;
  let ann: string;
  beforeAll(async () => {
    t = await startTestApp({});
    await createUser(t, { email: 'ann@example.com', displayName: 'Ann' });
    ann = (await request(t.app).post('/api/auth/login').send({ email: 'ann@example.com', password: PASSWORD }).expect(200)).body.accessToken as string;
  });
  afterAll(() => t?.close());

  it('says address books are not offered, and refuses to connect with 503 storing nothing', async () => {
    const status = await request(t.app).get('/api/nextcloud-contacts/connection').set('Authorization', `Bearer ${ann}`).expect(200);
    expect(status.body).toMatchObject({ available: false, connected: false });
    const res = await request(t.app).put('/api/nextcloud-contacts/connection').set('Authorization', `Bearer ${ann}`).send({ username: 'alice', appPassword: 'x' }).expect(503);
    expect(res.body.error.code).toBe('nextcloud_contacts_unavailable');
    expect(await t.db.dataSource.query(`SELECT * FROM nextcloud_connections`)).toEqual([]);
  });
});

describe('Nextcloud contacts: refused connection attempts', () => {
  let t: TestApp;
  let ann: string;
  let bob: string;
  const refusing: CardDavServer = {
    books: () => Promise.reject(new CardDavRefusedError()),
    changesSince: () => Promise.reject(new Error('not asked')),
    listing: () => Promise.reject(new Error('not asked')),
    cards: () => Promise.reject(new Error('not asked')),
  };
  beforeAll(async () => {
    t = await startTestApp({ CARDDAV_URL: 'https://cloud.example.test/remote.php/dav' }, { cardDav: refusing });
    await createUser(t, { email: 'ann@example.com', displayName: 'Ann' });
    await createUser(t, { email: 'bob@example.com', displayName: 'Bob' });
    const signIn = async (email: string) => (await request(t.app).post('/api/auth/login').send({ email, password: PASSWORD }).expect(200)).body.accessToken as string;
    ann = await signIn('ann@example.com');
    bob = await signIn('bob@example.com');
  });
  afterAll(() => t?.close());

  it('stops trying a user’s guesses at Nextcloud after too many refusals (429), while another user still may', async () => {
    const attempt = (token: string) => request(t.app).put('/api/nextcloud-contacts/connection').set('Authorization', `Bearer ${token}`).send({ username: 'alice', appPassword: 'guess' });
    for (let i = 0; i < CONNECT_FAILURES.max; i++) expect((await attempt(ann)).status).toBe(422);
    const limited = await attempt(ann);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect((await attempt(bob)).status).toBe(422);
    expect(await t.db.dataSource.query(`SELECT * FROM nextcloud_connections`)).toEqual([]);
  });
});
