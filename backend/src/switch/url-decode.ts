// FreeSWITCH URL-encodes values on the wire: the headers of plain events and
// the variables mod_json_cdr posts. One decoder for both.

/** FreeSWITCH's URL encoding: %XX escapes, `+` left as is. A bad escape is kept literally. */
export function urlDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}
