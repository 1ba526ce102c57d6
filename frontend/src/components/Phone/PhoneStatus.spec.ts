import type { PhoneSystem } from '@sipcall/contract';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { usePhoneStore } from '../../stores/phone';
import { usePhoneSystemStore } from '../../stores/phoneSystem';
import { signedIn } from '../../test/session';
import { formatTime } from '../../i18n/format';
import PhoneStatus from './PhoneStatus.vue';
import PhoneSystemNotice from './PhoneSystemNotice.vue';

const NOT_CONFIGURED: PhoneSystem = { configured: false, status: 'not_configured', nextRetryAt: null, wssUrl: null };
const RETRY = '2026-05-04T10:00:30.000Z';

function withSystem(system: PhoneSystem) {
  usePhoneSystemStore().system = system;
}

describe('the phone system, said plainly', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('says there is no phone system, in the header and on the page; a user gets no settings to make', () => {
    signedIn({ role: 'user' });
    withSystem(NOT_CONFIGURED);
    const status = mount(PhoneStatus);
    expect(status.get('[data-testid=phone-status]').text()).toContain('No phone system');
    expect(status.get('[data-testid=phone-status]').attributes('title')).toBe('No phone system is connected to SIPCall yet');
    expect(status.find('button').exists()).toBe(false);
    const notice = mount(PhoneSystemNotice);
    expect(notice.text()).toContain('No phone system is connected to SIPCall yet');
    expect(notice.text()).not.toContain('FREESWITCH_NODES');
  });

  it('tells an admin what to configure and where it is described', () => {
    signedIn({ role: 'admin' });
    withSystem({ ...NOT_CONFIGURED, switches: [] });
    const notice = mount(PhoneSystemNotice);
    const admin = notice.get('[data-testid=phone-system-admin]').text();
    expect(admin).toContain('FREESWITCH_NODES');
    expect(admin).toContain('SIP_WSS_URL');
    expect(notice.get('a').attributes('href')).toBe('docs/configuration.md');
  });

  it('says the switch is unreachable with when it is tried again, and gives an admin its last error', () => {
    signedIn({ role: 'admin' });
    withSystem({
      configured: true,
      status: 'down',
      nextRetryAt: RETRY,
      wssUrl: 'wss://sip.example.test:7443',
      switches: [{ name: '10.0.0.5:8021', state: 'reconnecting', since: '2026-05-04T10:00:00.000Z', lastError: 'connect ECONNREFUSED 10.0.0.5:8021', nextRetryAt: RETRY }],
    });
    expect(mount(PhoneStatus).get('[data-testid=phone-status]').text()).toContain('Phone system unreachable');
    const notice = mount(PhoneSystemNotice);
    expect(notice.text()).toContain('The phone system is not reachable right now');
    expect(notice.text()).toContain(`Next try at ${formatTime(RETRY)}`);
    const link = notice.get('[data-testid=phone-system-switches]').text();
    expect(link).toContain('10.0.0.5:8021: unreachable, retrying');
    expect(link).toContain('Last error: connect ECONNREFUSED 10.0.0.5:8021.');
  });

  it('says nothing of the phone system while it is ready', () => {
    signedIn();
    withSystem({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' });
    expect(mount(PhoneSystemNotice).find('[data-testid=phone-system-notice]').exists()).toBe(false);
  });

  it('says which SIP server cannot be reached, why, and by when it tries again', () => {
    signedIn();
    withSystem({ configured: true, status: 'ready', nextRetryAt: null, wssUrl: 'wss://sip.example.test:7443' });
    const phone = usePhoneStore();
    const retryBy = Date.parse(RETRY);
    phone.registration = 'reconnecting';
    phone.wssUrl = 'wss://sip.example.test:7443';
    phone.connectionLoss = { code: 1006, reason: null, retryBy };
    const status = mount(PhoneStatus);
    expect(status.get('[data-testid=phone-status]').attributes('title')).toBe(
      `Cannot reach the phone server at sip.example.test:7443 (connection closed with code 1006). Next try by ${formatTime(retryBy)}.`,
    );
    expect(status.get('[data-testid=phone-status-detail]').text()).toBe(`(next try by ${formatTime(retryBy)})`);
  });
});
