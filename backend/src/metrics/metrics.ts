// The process's Prometheus metrics, in one registry owned by main and passed
// to whoever records. Labels stay bounded: node names, event names, verbs,
// directions, causes; never user ids, numbers or UUIDs.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly switchNodeUp: Gauge<'node'>;
  readonly switchNodeState: Gauge<'node' | 'state'>;
  readonly eslReconnects: Counter<'node'>;
  readonly eslEvents: Counter<'node' | 'event'>;
  readonly eslProtocolErrors: Counter<'node'>;
  readonly eslCommandSeconds: Histogram<'node' | 'command' | 'outcome'>;
  readonly liveCalls: Gauge<'node' | 'direction'>;
  readonly callsEnded: Counter<'direction' | 'cause'>;
  readonly callControl: Counter<'action' | 'outcome'>;
  readonly routingDecisions: Counter<'decision' | 'reason'>;
  readonly switchHttpRejected: Counter<'reason'>;
  readonly routingSeconds: Histogram<'section'>;
  readonly cdrsIngested: Counter<'result'>;
  readonly cdrIngestSeconds: Histogram;
  readonly cdrSpoolFiles: Gauge;
}

export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry, prefix: 'sipcall_' });
  const registers = [registry];
  return {
    registry,
    switchNodeUp: new Gauge({ name: 'sipcall_switch_node_up', help: '1 while the ESL link to the node is authenticated and subscribed', labelNames: ['node'], registers }),
    switchNodeState: new Gauge({ name: 'sipcall_switch_node_state', help: 'Life-cycle state of each switch node (1 for the current state)', labelNames: ['node', 'state'], registers }),
    eslReconnects: new Counter({ name: 'sipcall_esl_reconnects_total', help: 'ESL reconnection attempts', labelNames: ['node'], registers }),
    eslEvents: new Counter({ name: 'sipcall_esl_events_total', help: 'ESL events received', labelNames: ['node', 'event'], registers }),
    eslProtocolErrors: new Counter({ name: 'sipcall_esl_protocol_errors_total', help: 'ESL connections closed for a protocol violation', labelNames: ['node'], registers }),
    eslCommandSeconds: new Histogram({
      name: 'sipcall_esl_command_seconds',
      help: 'Time from sending an ESL command to its reply',
      labelNames: ['node', 'command', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    liveCalls: new Gauge({ name: 'sipcall_live_calls', help: 'Calls in progress', labelNames: ['node', 'direction'], registers }),
    callsEnded: new Counter({ name: 'sipcall_calls_ended_total', help: 'Calls that ended, by hangup cause', labelNames: ['direction', 'cause'], registers }),
    callControl: new Counter({ name: 'sipcall_call_control_total', help: 'Call-control actions (hangup, hold, transfer, dtmf, originate)', labelNames: ['action', 'outcome'], registers }),
    routingDecisions: new Counter({ name: 'sipcall_routing_decisions_total', help: 'Dialplan decisions by outcome and reason', labelNames: ['decision', 'reason'], registers }),
    switchHttpRejected: new Counter({ name: 'sipcall_switch_http_rejected_total', help: 'Switch HTTP requests refused or answered "not found", by reason', labelNames: ['reason'], registers }),
    cdrsIngested: new Counter({ name: 'sipcall_cdrs_ingested_total', help: 'Call records received: stored, duplicate (ignored), rejected', labelNames: ['result'], registers }),
    cdrIngestSeconds: new Histogram({
      name: 'sipcall_cdr_ingest_seconds',
      help: 'From receiving a call record to answering the switch (after commit)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    cdrSpoolFiles: new Gauge({ name: 'sipcall_cdr_spool_files', help: 'Call records waiting in the spool directory (last sweep)', registers }),
    routingSeconds: new Histogram({
      name: 'sipcall_routing_seconds',
      help: 'Time to answer a mod_xml_curl request',
      labelNames: ['section'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers,
    }),
  };
}
