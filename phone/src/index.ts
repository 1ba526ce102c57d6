// The browser phone, as SIPCall's web app and its Nextcloud app both use it.
// Two parts are entries of their own: the JsSIP implementation
// (@sipcall/phone/jssip), so that a test can put a scripted phone in its place
// (@sipcall/phone/testing), and the number rules that need libphonenumber's
// full metadata (@sipcall/phone/numbers), which only the Nextcloud app carries.
export * from './phone';
export * from './call-session';
export * from './call-outcome';
export * from './call-quality';
export * from './incoming-alert';
export * from './ringtone';
export * from './dialling';
