// The API's description (OpenAPI 3.1), made from what the routes themselves
// use: each router's module lists its operations with the zod schemas its
// handlers parse with, and createApp adds them where it mounts the router,
// with the access its guard gives. No hand-kept copy exists to drift.
import { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** Who may call: anyone, a signed-in user, an admin, the switches (their HTTP door), or the monitoring system. */
export type Access = 'public' | 'signed-in' | 'admin' | 'switch' | 'monitoring';

const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  public: [],
  'signed-in': [{ bearer: [] }],
  admin: [{ bearer: [] }],
  switch: [{ switchBasic: [] }],
  // A token when METRICS_TOKEN is set; an allowed source address does without.
  monitoring: [{ metricsToken: [] }, {}],
};

export interface Operation {
  summary: string;
  /** Path parameters, query and body: the schemas the handler parses them with. */
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status codes this operation answers with on success, and what each means (200 unless said). */
  responses?: Record<number, string>;
  /** When this operation's access differs from its router's mount (such as /api/auth/me). */
  access?: Access;
}

/** A router's operations, keyed `METHOD /path` with Express's `:param` syntax, relative to where it is mounted. */
export type Operations = Record<`${Uppercase<Method>} /${string}`, Operation>;

interface Described {
  path: string;
  method: Method;
  tag: string;
  access: Access;
  op: Operation;
}

const ERRORS: Record<number, string> = {
  400: 'The request is invalid: every field that is wrong, named (`error.code` validation_failed)',
  401: 'No live session: sign in (again)',
  403: 'The signed-in user may not do this',
};

export class ApiDescription {
  private readonly operations: Described[] = [];

  constructor(private readonly info: { title: string; version: string; description: string }) {}

  /** Describes the operations of a router mounted at `prefix` behind `access`. */
  add(prefix: string, access: Access, tag: string, operations: Operations): void {
    for (const [key, op] of Object.entries<Operation>(operations)) {
      const [method, path] = key.split(' ') as [string, string];
      this.operations.push({ path: joinPath(prefix, path), method: method.toLowerCase() as Method, tag, access: op.access ?? access, op });
    }
  }

  /** Every described operation as `METHOD /full/path` (Express syntax). */
  routes(): string[] {
    return this.operations.map((d) => `${d.method.toUpperCase()} ${d.path}`);
  }

  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const d of this.operations) {
      const path = d.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      (paths[path] ??= {})[d.method] = operationObject(d);
    }
    return {
      openapi: '3.1.0',
      info: this.info,
      jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access token from POST /api/auth/login or /api/auth/refresh' },
          switchBasic: { type: 'http', scheme: 'basic', description: 'SWITCH_HTTP_USER and SWITCH_HTTP_PASSWORD, from an address in SWITCH_ALLOWED_IPS' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN; or none from an address in METRICS_ALLOWED_IPS' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
              },
            },
          },
        },
      },
      paths,
    };
  }
}

function operationObject(d: Described): Record<string, unknown> {
  const { op } = d;
  const parameters = [...parametersOf(op.params, 'path'), ...parametersOf(op.query, 'query')];
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(op.responses ?? { 200: 'OK' })) responses[status] = { description };
  const signedIn = d.access === 'signed-in' || d.access === 'admin';
  const errors = [...(op.params || op.query || op.body ? [400] : []), ...(signedIn ? [401] : []), ...(d.access === 'admin' ? [403] : [])];
  for (const status of errors) responses[status] ??= { description: ERRORS[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    tags: [d.tag],
    summary: op.summary,
    security: SECURITY[d.access],
    ...(d.access === 'admin' ? { 'x-sipcall-role': 'admin' } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? { requestBody: requestBodyOf(op.body) } : {}),
    responses,
  };
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema);
  const properties = (json['properties'] ?? {}) as Record<string, unknown>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

function requestBodyOf(schema: z.ZodType): Record<string, unknown> {
  const optional = schema.safeParse(undefined).success;
  let json = jsonSchemaOf(schema);
  // "No body, or {}": the no-body branch is what `required: false` says.
  const anyOf = json['anyOf'] as Array<Record<string, unknown>> | undefined;
  if (optional && anyOf) {
    const rest = anyOf.filter((s) => Object.keys(s).length > 0);
    if (rest.length === 1) json = rest[0]!;
  }
  return { required: !optional, content: { 'application/json': { schema: json } } };
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    // Dates arrive as text (ISO 8601) in queries and bodies.
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as Record<string, unknown>;
  delete json['$schema'];
  return json;
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix}${path === '/' ? '' : path}`;
  return joined === '' ? '/' : joined;
}
