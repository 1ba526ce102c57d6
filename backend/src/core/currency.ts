// Currencies as ISO 4217 names them, by the runtime's own list.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** A current ISO 4217 code (EUR, USD, CHF). */
export const isCurrency = (code: string): boolean => /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
