import type { AuditEntry } from '@sipcall/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { setLanguageChoice } from '../i18n';
import { AUDIT_ACTIONS } from '../stores/audit';
import { actionWords, actorWords, detailFields, outcomeWords, targetWords, type People } from './audit-words';

const ANN = '6f1c2a9e-0000-4000-8000-000000000001';
const people: People = new Map([[ANN, { displayName: 'Ann Smith', email: 'ann@example.com' }]]);

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  id: '1',
  at: '2026-11-20T10:00:00.000Z',
  actorId: null,
  actorEmail: null,
  action: 'auth.login',
  outcome: 'ok',
  targetType: null,
  targetId: null,
  ip: null,
  details: {},
  ...over,
});

describe('audit words', () => {
  afterEach(() => setLanguageChoice(null));

  it('says each action in words, never its code', async () => {
    for (const action of AUDIT_ACTIONS) {
      const words = actionWords({ action, outcome: 'ok' });
      expect(words).not.toBe(action);
      expect(words).not.toContain(`audit.action`);
    }
    expect(actionWords({ action: 'user.create', outcome: 'ok' })).toBe('Created an account');
    expect(actionWords({ action: 'call.hangup', outcome: 'ok' })).toBe('Hung up a call');
  });

  it('has words of its own for a failed or refused sign-in, and the outcome beside', async () => {
    expect(actionWords({ action: 'auth.login', outcome: 'failed' })).toBe('Sign-in failed');
    expect(actionWords({ action: 'auth.login', outcome: 'denied' })).toBe('Sign-in refused');
    expect(outcomeWords({ outcome: 'denied' })).toBe('Refused');
    await setLanguageChoice('de');
    expect(actionWords({ action: 'auth.login', outcome: 'failed' })).toBe('Anmeldung fehlgeschlagen');
    expect(actionWords({ action: 'did.assign', outcome: 'ok' })).toBe('Rufnummer zugeordnet');
  });

  it('names actors and targets: a known user by name, else the email or the id shortened; numbers grouped', async () => {
    expect(actorWords(entry({ actorId: ANN, actorEmail: 'old@example.com' }), people)).toBe('Ann Smith');
    expect(actorWords(entry({ actorId: 'ffffffff-1111-4000-8000-000000000000', actorEmail: 'gone@example.com' }), people)).toBe('gone@example.com');
    expect(actorWords(entry({ actorId: 'ffffffff-1111-4000-8000-000000000000' }), people)).toBe('ffffffff');
    expect(actorWords(entry({}), people)).toBe('System or unknown');
    expect(targetWords(entry({ targetType: 'user', targetId: ANN }), people)).toBe('Ann Smith');
    expect(targetWords(entry({ targetType: 'user', targetId: 'abcdef12-9999-4000-8000-000000000000' }), people)).toBe('abcdef12');
    expect(targetWords(entry({ targetType: 'did', targetId: '+493012345678' }), people)).toBe('+49 30 12345678');
    expect(targetWords(entry({ targetType: 'call', targetId: '0123456789abcdef' }), people)).toBe('Call 01234567');
    expect(targetWords(entry({}), people)).toBe('');
  });

  it('reads details as labelled fields: people by name, roles, reasons, yes and no, lists and numbers', async () => {
    expect(detailFields({ userId: ANN }, people)).toEqual([{ key: 'userId', label: 'User', value: 'Ann Smith' }]);
    expect(detailFields({ from: 'user', to: 'admin' }, people).map((f) => `${f.label}: ${f.value}`)).toEqual(['From: User', 'To: Administrator']);
    expect(detailFields({ reason: 'wrong_password' }, people)[0]!.value).toBe('Wrong password');
    expect(detailFields({ fields: ['displayName', 'extension'], disabled: true }, people).map((f) => f.value)).toEqual(['displayName, extension', 'yes']);
    expect(detailFields({ records: 1234, destination: '+4940987654' }, people).map((f) => f.value)).toEqual(['1,234', '+49 40 987654']);
    expect(detailFields({ somethingNew: { a: 1 } }, people)).toEqual([{ key: 'somethingNew', label: 'somethingNew', value: '{"a":1}' }]);
    expect(detailFields({}, people)).toEqual([]);
  });
});
