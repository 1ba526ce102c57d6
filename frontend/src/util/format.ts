// Formatting shared by the pages: numbers masked for privacy, durations, dates.

/** Masks all but the last three digits (a leading + stays), as the server does in privacy mode. */
export function maskNumber(n: string): string {
  const keep = 3;
  if (n.length <= keep) return '*'.repeat(n.length);
  const plus = n.startsWith('+') ? 1 : 0;
  return n.slice(0, plus) + '*'.repeat(n.length - keep - plus) + n.slice(-keep);
}

/** 0:42, 12:03, 1:02:03 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
/** 14:03:12: when something happens next or happened today. */
export const formatTime = (at: string | number | Date) => timeOfDay.format(new Date(at));

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));

/** yyyy-mm-dd of a date in local time, for <input type="date">. */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;
export const countryName = (code: string | null) => (code ? (regionNames?.of(code) ?? code) : '');
