// Tables as CSV (RFC 4180: CRLF, fields quoted when they hold a comma, a
// quote or a line break), and the download of one. A field that a
// spreadsheet would read as a formula (=, +, -, @ first) is prefixed with '
// so an exported value never runs as one.
export type Cell = string | number | null;

const FORMULA = /^[=+\-@\t\r]/;

function field(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Sections of rows, each headed by its title, a blank line between them. */
export function toCsv(sections: ReadonlyArray<{ title: string; rows: ReadonlyArray<readonly Cell[]> }>): string {
  return sections.map((s) => [[s.title], ...s.rows].map((row) => row.map(field).join(',')).join('\r\n')).join('\r\n\r\n') + '\r\n';
}

export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}
