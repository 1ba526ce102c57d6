// The documents mod_xml_curl accepts. Everything that goes into markup goes
// through escape(); nothing is pasted in as text.

export type Attrs = Record<string, string | number>;

export function escape(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** One element; children are already-built markup. */
export function el(name: string, attrs: Attrs = {}, ...children: string[]): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join('');
  return children.length === 0 ? `<${name}${a}/>` : `<${name}${a}>${children.join('')}</${name}>`;
}

export function document(...sections: string[]): string {
  return el('document', { type: 'freeswitch/xml' }, ...sections);
}

/** "I have nothing for this": FreeSWITCH falls back to its static configuration. */
export const NOT_FOUND = document(el('section', { name: 'result' }, el('result', { status: 'not found' })));

export interface Action {
  app: string;
  data?: string;
}

/** A dialplan document with one extension in the call's own context (anything else and the caller gets 404). */
export function dialplan(context: string, actions: readonly Action[]): string {
  return document(
    el(
      'section',
      { name: 'dialplan', description: 'SIPCall routing' },
      el(
        'context',
        { name: context },
        el('extension', { name: 'sipcall' }, el('condition', { field: 'destination_number', expression: '^.*$' }, ...actions.map((a) => el('action', a.data === undefined ? { application: a.app } : { application: a.app, data: a.data })))),
      ),
    ),
  );
}

/**
 * Text from people (display names) that ends up in channel variables. The
 * switch expands `${…}` and `$${…}` in action data, so those characters, and
 * anything outside a plain name, never get there.
 */
export function safeText(value: string, max = 40): string {
  return value
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} .,'_-]/gu, '')
    .trim()
    .slice(0, max);
}
