// FreeSWITCH writes the call records it could not post into its error
// directory and never sends them again. This takes them in: each file goes
// through the same checks and exactly-once storage as a post, and is removed
// (or archived) only after its row is committed. A rejected file stays where
// it is, with its reason reported, so nothing is ever lost by importing;
// running the import twice gives the same rows.
import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../core/errors.js';
import type { CdrService } from './cdr.service.js';

/** `<uuid>.cdr.json`, or `a_<uuid>.cdr.json` with prefix-a-leg. */
const SPOOL_FILE = /^(?:a_)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.cdr\.json$/i;

export interface SpoolProgress {
  done: number;
  total: number;
}

export interface ImportReport {
  files: number;
  stored: number;
  duplicates: number;
  rejected: Array<{ file: string; reason: string }>;
  failed: Array<{ file: string; reason: string }>;
}

export interface ImportOptions {
  /** Move imported files here instead of deleting them. */
  archiveDir?: string | null;
  onProgress?: (p: SpoolProgress) => void;
}

export async function spoolFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && SPOOL_FILE.test(e.name)).map((e) => e.name).sort();
}

export async function importSpool(dir: string, cdrs: CdrService, options: ImportOptions = {}): Promise<ImportReport> {
  const files = await spoolFiles(dir);
  const report: ImportReport = { files: files.length, stored: 0, duplicates: 0, rejected: [], failed: [] };
  if (options.archiveDir) await mkdir(options.archiveDir, { recursive: true });
  options.onProgress?.({ done: 0, total: files.length });
  for (const [i, name] of files.entries()) {
    const file = path.join(dir, name);
    try {
      const result = await cdrs.ingestText(await readFile(file, 'utf8'), SPOOL_FILE.exec(name)![1]!.toLowerCase());
      if (result === 'stored') report.stored++;
      else report.duplicates++;
      // Committed: only now does the file go.
      if (options.archiveDir) await rename(file, path.join(options.archiveDir, name));
      else await unlink(file);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      (err instanceof ValidationError ? report.rejected : report.failed).push({ file: name, reason });
    }
    options.onProgress?.({ done: i + 1, total: files.length });
  }
  return report;
}
