// The value of an <input type="date">: a local calendar day as YYYY-MM-DD,
// whatever the page's language (the browser draws the field in its own).

export function dateInputValue(d: Date): string {
  return `${String(d.getFullYear()).padStart(4, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The local midnight that begins a day of a date field, `plusDays` later. */
export function startOfInputDay(value: string, plusDays = 0): Date {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays);
}
