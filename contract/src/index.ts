// The API contract: what the backend sends and accepts, and what the web app
// reads, in one place both import. Types only: `import type` from here costs
// nothing at run time, so the compiled backend never loads this package.
export type * from './analytics.js';
export type * from './audit.js';
export type * from './billing.js';
export type * from './calls.js';
export type * from './checks.js';
export type * from './contacts.js';
export type * from './dids.js';
export type * from './errors.js';
export type * from './history.js';
export type * from './routing.js';
export type * from './sip.js';
export type * from './users.js';
