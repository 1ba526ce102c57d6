import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

/** A capture from a real FreeSWITCH 1.10.12, byte for byte (see test/fixtures/README.md). */
export function capture(name: string, folder: 'esl' | 'freeswitch-http' = 'esl'): Buffer {
  return readFileSync(path.join(DIR, folder, name));
}

export function captureNames(folder: 'esl' | 'freeswitch-http', ext: string): string[] {
  return readdirSync(path.join(DIR, folder)).filter((f) => f.endsWith(ext)).sort();
}
