// Talk's two hooks for other apps, reproduced as spreed's src/init.js defines
// them: registerParticipantSearchAction({ label, callback, show, icon }) and
// registerMessageAction({ label, callback, icon }) each copy those fields into
// a new object kept in Talk's integrations store; the participant search
// lists the actions whose show(searchText) is true and, on a click, calls
// callback(searchText) and adds the participant its promise resolves to; a
// message's menu lists every message action and calls callback with
// { message, metadata, apiVersion: 'v3' } (MessageButtonsBar's messageApiData).
import { describe, expect, it, vi } from 'vitest';
import type { MessageAction, ParticipantSearchAction, TalkPublicApi } from './talk';
import { registerTalkActions, TALK_ICON } from './talk-actions';

function fakeTalk() {
  const participantSearchActions: ParticipantSearchAction[] = [];
  const messageActions: MessageAction[] = [];
  const api: TalkPublicApi = {
    registerParticipantSearchAction: ({ label, callback, show, icon }) => void participantSearchActions.push({ label, callback, show, icon }),
    registerMessageAction: ({ label, callback, icon }) => void messageActions.push({ label, callback, icon }),
  };
  return {
    api,
    /** What the participant search lists for a search text. */
    listed: (searchText: string) => participantSearchActions.filter((a) => a.show(searchText)),
    clickSearchAction: (action: ParticipantSearchAction, searchText: string) => action.callback(searchText),
    clickMessageAction: (text: string) => messageActions[0]!.callback({ message: { message: text }, metadata: { token: 'abc123' }, apiVersion: 'v3' }),
    messageActions,
  };
}

const phone = () => ({ call: vi.fn(), offer: vi.fn(), defaultCountry: () => 'DE' });

describe('the phone in Talk', () => {
  it('offers a call in the participant search for a phone number, not for a name', () => {
    const talk = fakeTalk();
    registerTalkActions(talk.api, phone());
    expect(talk.listed('+49 30 1234567')).toHaveLength(1);
    expect(talk.listed('030 1234567')).toHaveLength(1);
    expect(talk.listed('Alice')).toHaveLength(0);
    expect(talk.listed('')).toHaveLength(0);
    expect(talk.listed('1002')).toHaveLength(0);
    expect(talk.listed('+49 30 12')).toHaveLength(0);
    expect(talk.listed('+49 30 1234567')[0]).toMatchObject({ label: 'Call this number by phone', icon: TALK_ICON });
  });

  it('calls the number in E.164 when clicked, and adds nobody to the conversation', async () => {
    const talk = fakeTalk();
    const p = phone();
    registerTalkActions(talk.api, p);
    const settled = vi.fn();
    void talk.clickSearchAction(talk.listed('+49 30 1234567')[0]!, '+49 30 1234567').then(settled, settled);
    await Promise.resolve();
    expect(p.call).toHaveBeenCalledWith('+49301234567');
    expect(settled).not.toHaveBeenCalled();
  });

  it('calls the numbers a message holds, each once, or says there is none', () => {
    const talk = fakeTalk();
    const p = phone();
    registerTalkActions(talk.api, p);
    expect(talk.messageActions[0]).toMatchObject({ label: 'Call this number', icon: TALK_ICON });
    talk.clickMessageAction('Call me at +49 30 1234567 (or 030 1234567), or the office: +43 1 5123456');
    expect(p.offer).toHaveBeenLastCalledWith(['+49301234567', '+4315123456']);
    talk.clickMessageAction('See you at 10');
    expect(p.offer).toHaveBeenLastCalledWith([]);
  });
});
