// The switch's forms as a real FreeSWITCH 1.10.12 posts them (captures in
// test/fixtures/freeswitch-http), decoded into the questions they ask.
import { describe, expect, it } from 'vitest';
import { captureForm } from '../../test/support/fixtures.js';
import { parseSwitchForm } from './requests.js';

describe('the forms mod_xml_curl posts', () => {
  it('decodes a REGISTER challenge answer into a directory lookup with its digest', () => {
    expect(parseSwitchForm(captureForm('xml-curl-directory-register.http'))).toEqual({
      ok: true,
      value: {
        section: 'directory',
        request: {
          sipUser: '1000',
          domain: '127.0.0.1',
          purpose: 'authenticate',
          digest: {
            username: '1000',
            realm: '127.0.0.1',
            nonce: '58b6720c-3f43-413b-a186-2c4eb830de38',
            uri: 'sip:127.0.0.1:5060',
            method: 'REGISTER',
            response: '08408a7b11289705fcb10ca8beaeac4a',
            qop: 'auth',
            cnonce: '6b8b4567',
            nc: '00000001',
          },
        },
      },
    });
  });

  it('treats a digest with a response that is no MD5 as no attempt', () => {
    const parsed = parseSwitchForm(captureForm('xml-curl-directory-invite-auth.http', { sip_auth_response: 'zz' }));
    expect(parsed).toMatchObject({ ok: true, value: { section: 'directory', request: { purpose: 'authenticate', digest: null } } });
  });

  it('decodes the start-up lookup of a domain, which names no user', () => {
    expect(parseSwitchForm(captureForm('xml-curl-directory-network-list-startup.http'))).toMatchObject({
      ok: true,
      value: { section: 'directory', request: { sipUser: undefined, domain: '127.0.0.1', purpose: 'lookup', digest: null } },
    });
  });

  it('decodes a user’s call into a dialplan request', () => {
    expect(parseSwitchForm(captureForm('xml-curl-dialplan-internal-user-directory-vars.http'))).toEqual({
      ok: true,
      value: {
        section: 'dialplan',
        request: { context: 'default', callId: '98a2ff16-fc52-44aa-9e95-7d4e6272a212', destination: '15551234567', callerUserId: undefined, sipUser: '1000' },
      },
    });
  });

  it('decodes a call from the carrier, in the public context', () => {
    expect(parseSwitchForm(captureForm('xml-curl-dialplan-inbound-external.http'))).toMatchObject({
      ok: true,
      value: { section: 'dialplan', request: { context: 'public', callId: '11099329-b86e-4a19-acf1-5bab250de17b', destination: '9196' } },
    });
  });

  it('falls back to the caller’s context and destination when the hunt fields are absent', () => {
    const form = new URLSearchParams(captureForm('xml-curl-dialplan-internal-user.http'));
    form.delete('Hunt-Context');
    form.delete('Hunt-Destination-Number');
    form.set('Caller-Context', 'default');
    form.set('Caller-Destination-Number', '2001');
    expect(parseSwitchForm(form.toString())).toMatchObject({ ok: true, value: { request: { context: 'default', destination: '2001' } } });
  });

  it.each([
    ['no section', 'hostname=vm', 'malformed_form'],
    ['a repeated field', 'section=dialplan&section=directory', 'malformed_form'],
    ['an oversized field', `section=directory&x=${'a'.repeat(4097)}`, 'malformed_form'],
    ['an oversized field name', `section=directory&${'k'.repeat(129)}=1`, 'malformed_form'],
    ['more than a thousand fields', `section=directory&${Array.from({ length: 1000 }, (_, i) => `f${i}=1`).join('&')}`, 'malformed_form'],
    ['a dialplan request without a call id', 'section=dialplan&Hunt-Context=default&Hunt-Destination-Number=1', 'malformed_dialplan_request'],
    ['a call id that is no uuid', 'section=dialplan&Hunt-Context=default&Unique-ID=abc', 'malformed_dialplan_request'],
    ['no context', `section=dialplan&Unique-ID=${crypto.randomUUID()}`, 'malformed_dialplan_request'],
    ['a context with markup', `section=dialplan&Hunt-Context=%3Cx%3E&Unique-ID=${crypto.randomUUID()}`, 'malformed_dialplan_request'],
  ])('rejects %s', (_what, body, reason) => {
    expect(parseSwitchForm(body)).toEqual({ ok: false, reason });
  });

  it('sets other sections aside without reading them', () => {
    expect(parseSwitchForm('section=phrases&hostname=vm')).toEqual({ ok: true, value: { section: 'other' } });
  });
});
