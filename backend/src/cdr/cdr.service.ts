// Call records: received from the switches (HTTP, or the spool import), kept
// sealed, read back by their owners and admins.
import type { Histogram, Counter } from 'prom-client';
import { StorageUnavailableError, ValidationError } from '../core/errors.js';
import type { Logger } from '../logger.js';
import { UnstorableRecordError, type CdrIngest, type IngestResult } from './cdr-ingest.js';
import type { CdrExtractor } from './extract-pool.js';
import { CdrError, parseCdr, type ParsedCdr } from './parse.js';

export interface CdrMetrics {
  ingested: Counter<'result'>;
  seconds: Histogram;
  billedSeconds: Counter<'direction'>;
}

export class CdrService {
  constructor(
    private readonly deps: {
      ingest: CdrIngest;
      extractor: CdrExtractor;
      metrics: CdrMetrics;
      log: Logger;
      defaultCountry: string;
      /** Told of each record newly stored (a missed call for Nextcloud, say); not waited for. */
      stored?: (record: ParsedCdr) => Promise<void>;
      /**
       * Prices a record stored now or before (a retry after this failed): waited
       * for, so a record is answered 200 only once its call's charge is written.
       */
      rate?: (record: ParsedCdr) => Promise<unknown>;
    },
  ) {}

  /** One record as the switch posts it. Bad input is a 400 (the switch then spools it); a storage failure a 500 (it retries). */
  async receive(contentType: string, body: string, uuid: string | undefined): Promise<void> {
    await this.ingestText(recordText(contentType, body), uuid);
  }

  /** The JSON text of one record (a POST body, or a spool file). */
  async ingestText(text: string, uuid?: string): Promise<IngestResult> {
    const timer = this.deps.metrics.seconds.startTimer();
    let extracted;
    try {
      extracted = await this.deps.extractor.extract(text);
    } catch (err) {
      // A worker died under this record: the switch retries it.
      this.deps.metrics.ingested.inc({ result: 'failed' });
      this.deps.log.error({ err }, 'reading a call record failed; the switch will retry');
      throw new StorageUnavailableError('The record could not be read; retry');
    }
    if (!extracted.ok) return this.reject(new CdrError(extracted.reason), uuid);
    let parsed;
    try {
      parsed = parseCdr(extracted.cdr, { fallbackUuid: uuid, defaultCountry: this.deps.defaultCountry });
    } catch (err) {
      if (err instanceof CdrError) return this.reject(err, uuid);
      throw err;
    }
    try {
      const result = await this.deps.ingest.submit(parsed);
      this.deps.metrics.ingested.inc({ result });
      // Once per call: only a newly stored first leg counts towards what the trunk bills.
      if (result === 'stored' && parsed.leg === 'a' && parsed.billsec > 0) this.deps.metrics.billedSeconds.inc({ direction: parsed.direction }, parsed.billsec);
      if (result === 'stored') void this.deps.stored?.(parsed);
      await this.deps.rate?.(parsed);
      return result;
    } catch (err) {
      if (err instanceof UnstorableRecordError) {
        this.deps.log.warn({ err, uuid: parsed.callUuid }, 'the database refused a call record');
        return this.reject(new CdrError('unstorable'), uuid);
      }
      this.deps.metrics.ingested.inc({ result: 'failed' });
      this.deps.log.error({ err, uuid: parsed.callUuid }, 'storing a call record failed; the switch will retry');
      throw new StorageUnavailableError('The record could not be stored; retry');
    } finally {
      timer();
    }
  }

  private reject(err: CdrError, uuid: string | undefined): never {
    this.deps.metrics.ingested.inc({ result: 'rejected' });
    this.deps.log.warn({ reason: err.reason, uuid: uuid && /^[0-9a-f-]{36}$/i.test(uuid) ? uuid : undefined }, 'call record rejected');
    throw new ValidationError(`Rejected call record: ${err.reason}`, [{ path: 'body', message: err.reason }]);
  }
}

/**
 * The JSON text of a post. `encode=true` sends a form with the record in
 * `cdr`. `encode=false` sends the bare JSON, labelled `application/json` —
 * except with `disable-100-continue=true`, where mod_json_cdr replaces its
 * header list and curl labels the same bare JSON as a form. A form body that
 * opens a JSON object is therefore the record itself.
 */
function recordText(contentType: string, body: string): string {
  if (!contentType.includes('x-www-form-urlencoded') || body.startsWith('{')) return body;
  return new URLSearchParams(body).get('cdr') ?? '';
}
