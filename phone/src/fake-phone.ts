// A scripted SipPhone for unit tests: records what the app asks of it and lets
// the test play the network's part (registration, ringing, answer, hang-up).
import type { CallEnd, CallEvents, DtmfMethod, PhoneConfig, PhoneEvents, PhoneFactory, SipCall, SipPhone } from './phone';

export class FakeCall implements SipCall {
  readonly actions: string[] = [];
  listener: CallEvents | null = null;
  statsReport: Record<string, unknown>[] = [];
  constructor(
    readonly direction: 'outgoing' | 'incoming',
    readonly remote: string,
    readonly remoteName: string | null = null,
  ) {}
  listen(events: CallEvents) {
    this.listener = events;
  }
  answer() {
    this.actions.push('answer');
  }
  hangup() {
    this.actions.push('hangup');
  }
  reject(busy: boolean) {
    this.actions.push(busy ? 'reject:busy' : 'reject:decline');
  }
  hold(on: boolean) {
    this.actions.push(`hold:${on}`);
  }
  mute(on: boolean) {
    this.actions.push(`mute:${on}`);
  }
  dtmf(tone: string, method: DtmfMethod) {
    this.actions.push(`dtmf:${tone}:${method}`);
  }
  transfer(target: string) {
    this.actions.push(`transfer:${target}`);
  }
  transferReplacing(consultation: SipCall) {
    this.actions.push(`transfer-replacing:${consultation.remote}`);
  }
  async useMicrophone() {
    this.actions.push('microphone');
  }
  async stats() {
    return new Map(this.statsReport.map((s, i) => [String(i), s])) as unknown as RTCStatsReport;
  }
  // the network's side
  ring(early = false) {
    this.listener?.progress(early);
  }
  connect() {
    this.listener?.connected();
  }
  held(held: boolean, by: 'local' | 'remote') {
    this.listener?.hold(held, by);
  }
  /** The answer to a transfer this call asked for (the REFER's, or its NOTIFY's). */
  transferAnswered(accepted: boolean, status: number | null = null) {
    this.listener?.transfer({ accepted, status });
  }
  end(end: Partial<CallEnd> = {}) {
    this.listener?.ended({ by: 'remote', cause: 'Terminated', status: null, reason: null, ...end });
  }
}

export class FakePhone implements SipPhone {
  started = 0;
  stopped = 0;
  passwords: string[] = [];
  readonly calls: FakeCall[] = [];
  constructor(
    readonly config: PhoneConfig,
    readonly events: PhoneEvents,
  ) {
    this.passwords.push(config.password);
  }
  start() {
    this.started++;
  }
  call(target: string) {
    const call = new FakeCall('outgoing', target);
    this.calls.push(call);
    return call;
  }
  setPassword(password: string) {
    this.passwords.push(password);
  }
  async stop() {
    this.stopped++;
    this.events.registration('offline');
  }
  // the network's side
  register() {
    this.events.registration('registered');
  }
  incoming(remote: string, name: string | null = null) {
    const call = new FakeCall('incoming', remote, name);
    this.events.incoming(call);
    return call;
  }
}

export const phones: FakePhone[] = [];

export const createFakePhone: PhoneFactory = (config, events) => {
  const phone = new FakePhone(config, events);
  phones.push(phone);
  return phone;
};
