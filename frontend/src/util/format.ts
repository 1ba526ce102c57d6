// Numbers masked for privacy: not the language's to write. What a language
// writes (numbers, dates, durations, money, country names) is in i18n/format.ts.

/** Masks all but the last three digits (a leading + stays), as the server does in privacy mode. */
export function maskNumber(n: string): string {
  const keep = 3;
  if (n.length <= keep) return '*'.repeat(n.length);
  const plus = n.startsWith('+') ? 1 : 0;
  return n.slice(0, plus) + '*'.repeat(n.length - keep - plus) + n.slice(-keep);
}
