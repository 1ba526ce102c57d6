// The switch's HTTP door: where mod_xml_curl asks its directory and dialplan
// questions and mod_json_cdr posts call records. Every form is decoded here
// (requests.ts) and every answer rendered here (documents.ts); routing/ and
// cdr/ see SIPCall's own terms only.
import express, { Router } from 'express';
import type { Counter, Histogram } from 'prom-client';
import type { Config } from '../config/settings.js';
import { DRAIN_RETRY_AFTER_SECONDS, type Lifecycle } from '../health/lifecycle.js';
import type { Directory } from '../routing/directory.js';
import type { Dialplan } from '../routing/dialplan.js';
import { NOT_FOUND, directoryDocument, planDocument, type Deployment } from './documents.js';
import { parseSwitchForm, type SwitchRequest } from './requests.js';
import { switchAuth } from './switch-auth.js';
import type { Operations } from '../http/openapi.js';

/** Longest form accepted: the real dialplan requests are about 6 KB. */
const FORM_LIMIT = '64kb';
/** Largest call record accepted; real ones are 3–12 KB. */
const CDR_LIMIT = '1mb';

export interface CdrEndpoint {
  /** Stores one posted record; resolves once it is durably committed. */
  receive(contentType: string, body: string, uuid: string | undefined): Promise<void>;
}

export interface SwitchHttpMetrics {
  decisions: Counter<'decision' | 'reason'>;
  rejected: Counter<'reason'>;
  seconds: Histogram<'section'>;
}

export interface SwitchHttpDeps {
  directory: Directory;
  dialplan: Dialplan;
  cdrs: CdrEndpoint;
  config: Config['switchHttp'];
  deployment: Deployment;
  lifecycle: Lifecycle;
  metrics: SwitchHttpMetrics;
}

export const switchHttpApi: Operations = {
  'POST /xml': {
    summary: 'mod_xml_curl: a directory or dialplan question (form-encoded), answered as the switch’s XML',
    responses: { 200: 'The answer, or "not found" (the switch falls back to its static configuration)', 403: 'An address that may not call', 401: 'Wrong credentials', 413: 'Form too large', 503: 'Draining: no new call decisions' },
  },
  'POST /cdr': {
    summary: 'mod_json_cdr: one call record (JSON, or a form with it in `cdr`); answered once it is durably stored',
    responses: { 200: 'Stored, or stored already', 400: 'Not a call record', 403: 'An address that may not call', 401: 'Wrong credentials', 413: 'Record too large', 503: 'Not stored now: the switch posts it again' },
  },
};

export function switchHttpRouter(deps: SwitchHttpDeps): Router {
  const { metrics } = deps;
  const r = Router();
  r.use(switchAuth(deps.config, (reason) => metrics.rejected.inc({ reason })));

  // mod_json_cdr: JSON (encode=false), or a form with the JSON in `cdr` (encode=true).
  r.post('/cdr', express.text({ limit: CDR_LIMIT, type: ['application/json', 'application/x-www-form-urlencoded'] }), async (req, res) => {
    const uuid = typeof req.query['uuid'] === 'string' ? req.query['uuid'] : undefined;
    await deps.cdrs.receive(req.headers['content-type'] ?? '', typeof req.body === 'string' ? req.body : '', uuid);
    res.status(200).type('text/plain').send('OK');
  });

  // The raw text, parsed with URLSearchParams: flat fields are all the switch sends.
  r.use(express.text({ limit: FORM_LIMIT, type: 'application/x-www-form-urlencoded' }));

  r.post('/xml', async (req, res) => {
    const parsed = parseSwitchForm(typeof req.body === 'string' ? req.body : '');
    if (!parsed.ok) {
      metrics.rejected.inc({ reason: parsed.reason });
      res.status(200).type('text/xml').send(NOT_FOUND);
      return;
    }
    // Draining: no new call decisions. Behind a load balancer that follows
    // /readyz few arrive; any that do meet the switch's fallback dialplan (SIP
    // 503). Directory answers (registrations) and calls under way go on.
    if (parsed.value.section === 'dialplan' && deps.lifecycle.draining) {
      metrics.rejected.inc({ reason: 'draining' });
      res.status(503).set('Retry-After', String(DRAIN_RETRY_AFTER_SECONDS)).type('text/plain').send('draining');
      return;
    }
    res.status(200).type('text/xml').send(await answer(deps, parsed.value));
  });
  return r;
}

async function answer(deps: SwitchHttpDeps, question: SwitchRequest): Promise<string> {
  const { metrics } = deps;
  if (question.section === 'other') {
    metrics.rejected.inc({ reason: 'unknown_section' });
    return NOT_FOUND;
  }
  const timer = metrics.seconds.startTimer({ section: question.section });
  try {
    if (question.section === 'directory') {
      const found = await deps.directory.lookup(question.request);
      if (found.found) return directoryDocument(found.entry, deps.deployment);
      if (found.reason) metrics.rejected.inc({ reason: found.reason });
      return NOT_FOUND;
    }
    const routed = await deps.dialplan.route(question.request);
    if (!routed.routed) {
      metrics.rejected.inc({ reason: routed.reason });
      return NOT_FOUND;
    }
    const { decision } = routed.plan;
    metrics.decisions.inc({ decision: decision.decision, reason: decision.reason });
    return planDocument(routed.plan, deps.deployment);
  } finally {
    timer();
  }
}
