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
  readonly callsStarted: Counter<'direction'>;
  readonly callsEnded: Counter<'direction' | 'cause' | 'answered'>;
  readonly callControl: Counter<'action' | 'outcome'>;
  readonly routingDecisions: Counter<'decision' | 'reason'>;
  readonly switchHttpRejected: Counter<'reason'>;
  readonly routingSeconds: Histogram<'section'>;
  readonly cdrsIngested: Counter<'result'>;
  readonly cdrIngestSeconds: Histogram;
  readonly cdrSpoolFiles: Gauge;
  readonly callSetupSeconds: Histogram<'direction'>;
  readonly billedSeconds: Counter<'direction'>;
  readonly billedAmount: Counter<'side' | 'currency'>;
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpSeconds: Histogram<'route' | 'method'>;
  readonly freeswitchSessions: Gauge<'node'>;
  readonly freeswitchSessionsPeak: Gauge<'node'>;
  readonly freeswitchMaxSessions: Gauge<'node'>;
  readonly freeswitchSessionsPerSecond: Gauge<'node'>;
  readonly freeswitchSessionsPerSecondMax: Gauge<'node'>;
  readonly freeswitchCalls: Gauge<'node'>;
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
    // Counted once per call, when it ends (removal from the registry happens once across replicas).
    callsStarted: new Counter({ name: 'sipcall_calls_started_total', help: 'Calls that began on a switch (seen as they were created, not found on a reconnect)', labelNames: ['direction'], registers }),
    callsEnded: new Counter({ name: 'sipcall_calls_ended_total', help: 'Calls that ended, by hangup cause and whether they were answered', labelNames: ['direction', 'cause', 'answered'], registers }),
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
    callSetupSeconds: new Histogram({
      name: 'sipcall_call_setup_seconds',
      help: 'From the first leg to the answer, for answered calls (observed when they end)',
      labelNames: ['direction'],
      buckets: [0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60],
      registers,
    }),
    billedSeconds: new Counter({ name: 'sipcall_billed_seconds_total', help: 'Answered seconds of stored call records (first legs): what the trunk bills', labelNames: ['direction'], registers }),
    billedAmount: new Counter({
      name: 'sipcall_billed_amount_total',
      help: 'What stored trunk calls were charged (side="sell": to users) and cost (side="carrier"), in units of the currency; re-ratings are not counted',
      labelNames: ['side', 'currency'],
      registers,
    }),
    httpRequests: new Counter({ name: 'sipcall_http_requests_total', help: 'HTTP requests by route pattern, method and status', labelNames: ['route', 'method', 'status'], registers }),
    httpSeconds: new Histogram({
      name: 'sipcall_http_request_seconds',
      help: 'HTTP request latency by route pattern',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    freeswitchSessions: new Gauge({ name: 'sipcall_freeswitch_sessions', help: 'Sessions up on the switch (its own status)', labelNames: ['node'], registers }),
    freeswitchSessionsPeak: new Gauge({ name: 'sipcall_freeswitch_sessions_peak', help: 'Session peak the switch reports', labelNames: ['node'], registers }),
    freeswitchMaxSessions: new Gauge({ name: 'sipcall_freeswitch_max_sessions', help: 'The switch\'s max-sessions', labelNames: ['node'], registers }),
    freeswitchSessionsPerSecond: new Gauge({ name: 'sipcall_freeswitch_sessions_per_second', help: 'Sessions per second the switch reports', labelNames: ['node'], registers }),
    freeswitchSessionsPerSecondMax: new Gauge({ name: 'sipcall_freeswitch_sessions_per_second_max', help: "The switch's sessions-per-second", labelNames: ['node'], registers }),
    freeswitchCalls: new Gauge({ name: 'sipcall_freeswitch_calls', help: 'Calls up on the switch (show calls count)', labelNames: ['node'], registers }),
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
