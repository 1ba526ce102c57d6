// The README and docs/ are what a newcomer reads first; a table that a stray
// blank line splits renders as a table and a paragraph of pipes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const markdownFiles = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'node_modules' && existsSync(path.join(ROOT, d.name, 'README.md')))
    .map((d) => `${d.name}/README.md`),
];

const isRow = (line: string) => line.startsWith('|');
const isDelimiter = (line: string) => /^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(line);
/** Cells in a row; `\|` and pipes inside code spans do not split cells. */
const cellCount = (row: string) =>
  row
    .replace(/\\\|/g, '')
    .replace(/`[^`]*`/g, '')
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|').length;

/** Every problem with a table in this markdown, as `line N: what`. */
function tableProblems(text: string): string[] {
  const lines = text.split('\n');
  const problems: string[] = [];
  let inFence = false;
  let columns: number | null = null; // inside a table: its header's cell count
  for (const [i, line] of lines.entries()) {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (columns !== null && isRow(line)) {
      if (!isDelimiter(line) && cellCount(line) !== columns) problems.push(`line ${i + 1}: ${cellCount(line)} cells in a table of ${columns}`);
      continue;
    }
    columns = null;
    if (!isRow(line)) continue;
    if (isDelimiter(lines[i + 1] ?? '')) {
      columns = cellCount(line);
      continue;
    }
    const previous = lines[i - 1] ?? '';
    problems.push(previous.trim() === '' && isRow(lines[i - 2] ?? '') ? `line ${i + 1}: row cut off from its table by a blank line` : `line ${i + 1}: row outside a table`);
  }
  return problems;
}

describe('markdown tables in the README and docs/', () => {
  it('finds a row cut off by a blank line, and a row with a missing cell', () => {
    expect(tableProblems('| a | b |\n| --- | --- |\n| 1 | 2 |\n\n| 3 | 4 |\n')).toEqual(['line 5: row cut off from its table by a blank line']);
    expect(tableProblems('| a | b |\n| --- | --- |\n| `x \\| y` | 2 |\n| 3 |\n')).toEqual(['line 4: 1 cells in a table of 2']);
  });

  it.each(markdownFiles)('%s has every table whole', (file) => {
    expect(tableProblems(readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });
});
