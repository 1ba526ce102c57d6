// Talk's public front-end API, as spreed's src/init.js sets it up for other
// apps on window.OCA.Talk: registerParticipantSearchAction and
// registerMessageAction, and nothing else of Talk's. The actions SIPCall adds
// are in talk-actions.ts.

/** Talk's participant-search action: `show` is asked with the search text; `callback` is given it when clicked and is to resolve to a participant to add. */
export interface ParticipantSearchAction {
  label: string;
  icon: string;
  show(searchText: string): boolean;
  callback(searchText: string): Promise<unknown>;
}

/** What Talk hands a message action: the message (its text in `message`), the conversation, the API version. */
export interface MessageApiData {
  message: { message?: unknown };
  metadata: unknown;
  apiVersion: string;
}

export interface MessageAction {
  label: string;
  icon: string;
  callback(data: MessageApiData): void;
}

/** window.OCA.Talk as Talk's init.js sets it up for other apps. */
export interface TalkPublicApi {
  registerParticipantSearchAction(action: ParticipantSearchAction): void;
  registerMessageAction(action: MessageAction): void;
}

/** Talk's API once Talk's own script has set it up on this page, else null (Talk not installed, or another page). */
export function talkApi(): TalkPublicApi | null {
  const talk = (window as { OCA?: { Talk?: Partial<TalkPublicApi> } }).OCA?.Talk;
  return typeof talk?.registerParticipantSearchAction === 'function' && typeof talk.registerMessageAction === 'function' ? (talk as TalkPublicApi) : null;
}
