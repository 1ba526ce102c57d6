// The phone's number rules (@sipcall/phone, shared with SIPCall's Nextcloud
// app), and a country's name in the language of this app.
import { countryName } from '../i18n/format';

export { cleanDialled, flagOf, formatE164, groupNumber, isDiallable, keypadLetters, lettersToDigits, MAX_DIALLED_LENGTH } from '@sipcall/phone';

/** The country's name in the language of the app. */
export const countryLabel = (country: string | null): string => (country ? countryName(country.toUpperCase()) : '');
