#!/usr/bin/env node
// `sipcall`: operator commands that work straight on the database, for the
// first admin and for recovery. Arguments are validated like any other input.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { createPasswordHasher, type PasswordHasher } from './crypto/password.js';
import { createServices, createSwitching } from './app.js';
import { ConfigError, loadConfig } from './config/load.js';
import { openDatabase } from './db/database.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics/metrics.js';
import { MemoryState } from './state/memory.js';
import { displayNameSchema, emailSchema, passwordSchema } from './users/users.schema.js';
import { importSpool } from './cdr/spool.js';
import { passwordWeakness } from './core/password-policy.js';
import { DECK_NAME, DeckRefusedError } from './billing/rates.js';
import { calendarDay } from './http/validate.js';
import { rerate } from './billing/rerate.js';
import { MAX_VOUCHERS } from './billing/ledger.js';
import { MICROS_PER_UNIT, parseAmount } from './billing/money.js';

const EMBEDDED_NOTE = 'With the embedded database (no DATABASE_URL), stop the server first: one process owns it at a time.';

interface Parsed {
  values: Record<string, string>;
  positionals: string[];
}

interface Command {
  /** The words after `sipcall`. */
  words: string[];
  /** What follows the words in a synopsis. */
  args: string;
  summary: string;
  /** What --help says it does. */
  help: string;
  /** Each argument and option, with what it is. */
  params: Array<[string, string]>;
  /** Options, all taking a value; --help and -h are every command's. */
  options: Record<string, { type: 'string' }>;
  /** How many positional arguments it takes, and what it says when that is wrong. */
  positionals: { count: number; missing?: string };
  run(args: Parsed): Promise<number>;
}

const adminArgs = z.strictObject({ email: emailSchema, name: displayNameSchema.optional() });
const CLI_ACTOR = { actor: { id: null, email: 'cli' }, ip: null };

const COMMANDS: Command[] = [
  {
    words: ['admin', 'create'],
    args: '--email EMAIL [--name NAME]',
    summary: 'create an admin (password asked, or read from stdin)',
    help: `Creates an admin account. The password (12+ characters) is asked twice on a
terminal, or read from the first line of stdin.`,
    params: [
      ['--email EMAIL', 'the address the admin signs in with'],
      ['--name NAME', 'the name shown in the app (default: Administrator)'],
    ],
    options: { email: { type: 'string' }, name: { type: 'string' } },
    positionals: { count: 0 },
    run: (args) => adminCommand('create', args),
  },
  {
    words: ['admin', 'reset-password'],
    args: '--email EMAIL',
    summary: "set a new password and end the user's sessions",
    help: `Sets a new password for any user and ends their sessions. The password
(12+ characters) is asked twice on a terminal, or read from the first line of stdin.`,
    params: [['--email EMAIL', "the user's address"]],
    options: { email: { type: 'string' } },
    positionals: { count: 0 },
    run: (args) => adminCommand('reset-password', args),
  },
  {
    words: ['migrate'],
    args: '',
    summary: 'apply pending database migrations',
    help: `Applies the database migrations not applied yet, and names them. The server
applies them at every start too.`,
    params: [],
    options: {},
    positionals: { count: 0 },
    run: () =>
      withDatabase(async ({ applied }) => {
        process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'schema up to date\n');
        return 0;
      }),
  },
  {
    words: ['cdr', 'import'],
    args: 'DIR [--archive DIR]',
    summary: 'take in the call records FreeSWITCH spooled (safe to run twice)',
    help: `Takes in the call records FreeSWITCH could not post and wrote to DIR
(<uuid>.cdr.json), with the same checks as a post. Each file is removed once
its record is stored; a rejected file stays, with its reason printed. Running it
twice stores nothing twice. Exits 1 when a file could not be stored.`,
    params: [
      ['DIR', "the switch's call-record spool directory"],
      ['--archive DIR', 'move imported files here instead of removing them'],
    ],
    options: { archive: { type: 'string' } },
    positionals: { count: 1, missing: 'cdr import needs the spool directory (DIR)' },
    run: ({ values, positionals }) =>
      withDatabase(async ({ services }) => {
        const report = await importSpool(positionals[0]!, services.cdrs, { archiveDir: values['archive'] ?? null, onProgress: progressBar('importing') });
        await services.cdrIngest.drain();
        await services.cdrExtractor.close();
        process.stdout.write(`${report.files} files: ${report.stored} stored, ${report.duplicates} already stored, ${report.rejected.length} rejected, ${report.failed.length} failed\n`);
        for (const r of [...report.rejected, ...report.failed]) process.stdout.write(`  ${r.file}: ${r.reason}\n`);
        return report.failed.length > 0 ? 1 : 0;
      }),
  },
  {
    words: ['rates', 'import'],
    args: 'FILE --deck NAME [--effective DAY] [--replace yes]',
    summary: 'import a rate deck from CSV as a new version (whole or not at all)',
    help: `Imports a rate deck from FILE (CSV with the header
prefix,destination,rate_per_minute,connect_fee,increment,minimum,currency) as a
new version of deck NAME, pricing calls that start on DAY or later. The deck
"sell" is what users pay; any other name is the carrier deck of the gateway so
named (TRUNK_GATEWAY), what the trunk costs. Every bad line is reported by its
number and nothing is imported unless the whole file is good. A deck has one
version per day: --replace yes replaces that day's, and names the calls it had
priced so they can be rated again (rates rerate).`,
    params: [
      ['FILE', 'the CSV file, or - for stdin'],
      ['--deck NAME', 'sell, or the gateway whose costs the deck holds'],
      ['--effective DAY', 'YYYY-MM-DD (UTC) from which the version prices calls (default: today)'],
      ['--replace yes', "replace the deck's version on that day"],
    ],
    options: { deck: { type: 'string' }, effective: { type: 'string' }, replace: { type: 'string' } },
    positionals: { count: 1, missing: 'rates import needs the CSV file (FILE)' },
    run: (args) => ratesImport(args),
  },
  {
    words: ['rates', 'export'],
    args: '--deck NAME [--on DAY]',
    summary: "write a deck's version as CSV to stdout",
    help: `Writes deck NAME as CSV, in the form rates import reads: the version in effect
today, or on DAY.`,
    params: [
      ['--deck NAME', 'sell, or a carrier deck'],
      ['--on DAY', 'YYYY-MM-DD: the version in effect that day (default: today)'],
    ],
    options: { deck: { type: 'string' }, on: { type: 'string' } },
    positionals: { count: 0 },
    run: ({ values }) => {
      const usage = usageOf('rates', 'export');
      const deck = checked(deckName, values['deck'], '--deck', usage);
      const on = values['on'] === undefined ? undefined : checked(calendarDay, values['on'], '--on', usage);
      return withDatabase(async ({ services }) => {
        process.stdout.write((await services.rates.export(deck, on)).csv);
        return 0;
      });
    },
  },
  {
    words: ['rates', 'list'],
    args: '',
    summary: 'the rate decks and their versions',
    help: `Lists every rate deck and its versions: the day each takes effect, its rows,
who imported it, and which prices calls today.`,
    params: [],
    options: {},
    positionals: { count: 0 },
    run: () =>
      withDatabase(async ({ services }) => {
        const { currency, gateway, decks } = await services.rates.list();
        if (decks.length === 0) process.stdout.write(`no rate decks (calls are not priced); currency ${currency}, gateway ${gateway}\n`);
        for (const d of decks) {
          process.stdout.write(`${d.name} (${d.kind === 'sell' ? 'what users pay' : `what gateway ${d.name} costs${d.name === gateway ? '' : ' — not the gateway calls use'}`})\n`);
          for (const v of d.versions) process.stdout.write(`  ${v.effectiveFrom}  ${String(v.rows).padStart(7)} rows  ${v.currency}  ${v.importedBy}${v.inEffect ? '  in effect' : ''}\n`);
        }
        return 0;
      }),
  },
  {
    words: ['rates', 'rerate'],
    args: '--from DAY --to DAY',
    summary: 'price the calls of a period again (after a deck was fixed)',
    help: `Prices every call that went to the trunk and started on or after --from and
before --to again, by the deck versions in effect when each started. Charges
that come out the same are left alone, so running it twice is the same as
once. A call whose owner was erased cannot be read any more and keeps its
charge.`,
    params: [
      ['--from DAY', 'YYYY-MM-DD (UTC), the first day'],
      ['--to DAY', 'YYYY-MM-DD (UTC), the day after the last'],
    ],
    options: { from: { type: 'string' }, to: { type: 'string' } },
    positionals: { count: 0 },
    run: ({ values }) => {
      const usage = usageOf('rates', 'rerate');
      const from = checked(calendarDay, values['from'], '--from', usage);
      const to = checked(calendarDay, values['to'], '--to', usage);
      if (to <= from) throw new UsageError('--to must be after --from', usage);
      return withDatabase(async ({ services }) => {
        const report = await rerate(
          { records: services.callRecords, keys: services.keys, rates: services.rates, charges: services.charges },
          { from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) },
          progressBar('rating'),
        );
        await services.audit.record({ action: 'rates.rerate', outcome: 'ok', ...CLI_ACTOR, details: { from, to, ...report } });
        process.stdout.write(`${report.calls} calls: ${report.changed} charges changed, ${report.unpriced} not priced by any deck, ${report.unreadable} unreadable (erased)\n`);
        return 0;
      });
    },
  },
  {
    words: ['ledger', 'verify'],
    args: '',
    summary: 'check the ledger: sums, balances, settled holds',
    help: `Checks the ledger: every transaction's postings sum to zero, every account's
cached balance is the sum of its postings, and every closed hold of a call was
settled to its amount (captured and released). Prints each difference; exits 1
when there is one.`,
    params: [],
    options: {},
    positionals: { count: 0 },
    run: () =>
      withDatabase(async ({ services }) => {
        const differences = await services.ledgerRepo.differences();
        for (const d of differences) process.stdout.write(`${d.what}: ${d.id} (expected ${d.expected}, found ${d.found})\n`);
        process.stdout.write(`${differences.length} differences\n`);
        return differences.length === 0 ? 0 : 1;
      }),
  },
  {
    words: ['vouchers', 'create'],
    args: '--amount AMOUNT --count N',
    summary: 'make vouchers and print their codes (shown this once)',
    help: `Makes N vouchers worth AMOUNT each (in BILLING_CURRENCY) and prints one code per
line. Only the codes' hashes are kept: keep the printout. A user redeems a code
in Settings, once.`,
    params: [
      ['--amount AMOUNT', 'what each voucher is worth, like 10.00 (at most 1000)'],
      ['--count N', 'how many, 1 to 1000'],
    ],
    options: { amount: { type: 'string' }, count: { type: 'string' } },
    positionals: { count: 0 },
    run: ({ values }) => {
      const usage = usageOf('vouchers', 'create');
      const micros = checked(voucherAmount, values['amount'], '--amount', usage);
      const count = checked(voucherCount, values['count'], '--count', usage);
      return withDatabase(async ({ services }) => {
        const codes = await services.ledger.createVouchers(micros, count, CLI_ACTOR);
        process.stdout.write(`${codes.join('\n')}\n`);
        say(`${codes.length} vouchers worth ${values['amount']} each made`);
        return 0;
      });
    },
  },
  {
    words: ['keys', 'rotate'],
    args: '',
    summary: 're-wrap every data key with the current master key',
    help: `Re-wraps every data key with the current ENCRYPTION_MASTER_KEY, in batches. Safe
to stop and run again. Afterwards the keys in ENCRYPTION_RETIRED_KEYS can go.`,
    params: [],
    options: {},
    positionals: { count: 0 },
    run: () =>
      withDatabase(async ({ services }) => {
        const done = await services.keys.rotate(progressBar('re-wrapping data keys'));
        process.stdout.write(`${done.done} data keys re-wrapped with master key ${services.keys.currentMasterId}; retired keys can now be removed\n`);
        return 0;
      }),
  },
];

const HELP_LINE = { synopsis: 'help [COMMAND]', summary: "this text, or a command's (as COMMAND --help)" };

function synopsis(c: Command): string {
  return [...c.words, c.args].filter(Boolean).join(' ');
}

/** The list of commands (all, or one group's), one line each. */
function listing(commands: readonly Command[], withHelp: boolean): string {
  const rows = commands.map((c) => [synopsis(c), c.summary] as const);
  if (withHelp) rows.push([HELP_LINE.synopsis, HELP_LINE.summary]);
  const width = Math.max(...rows.map(([s]) => s.length)) + 3;
  return `Usage:\n${rows.map(([s, summary]) => `  sipcall ${s.padEnd(width)}${summary}`).join('\n')}\n\n${EMBEDDED_NOTE}`;
}

const USAGE = listing(COMMANDS, true);

/** Each parameter and what it is, aligned. */
function paramList(c: Command): string {
  const params: Array<[string, string]> = [...c.params, ['-h, --help', 'show what the command does']];
  const width = Math.max(...params.map(([p]) => p.length)) + 3;
  return params.map(([p, what]) => `  ${p.padEnd(width)}${what}`).join('\n');
}

/** The synopsis and each parameter: what a mistake is answered with. */
function commandUsage(c: Command): string {
  return `Usage: sipcall ${synopsis(c)}\n\n${paramList(c)}`;
}

/** What --help prints: the synopsis, what the command does, each parameter. */
function commandHelp(c: Command): string {
  return `Usage: sipcall ${synopsis(c)}\n\n${c.help}\n\n${paramList(c)}\n\n${EMBEDDED_NOTE}`;
}

/** A mistake in how the command was called: said in one line, followed by the usage that applies. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string = USAGE,
  ) {
    super(message);
  }
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined) throw new UsageError('no command given');
    if (first === 'help' || isHelp(first)) return printHelp(rest);
    const command = COMMANDS.find((c) => c.words.every((w, i) => argv[i] === w));
    if (!command) {
      const group = COMMANDS.filter((c) => c.words.length > 1 && c.words[0] === first);
      if (group.length === 0) throw new UsageError(`unknown command: ${first}`);
      const usage = listing(group, false);
      const second = argv[1];
      if (second !== undefined && isHelp(second)) return print(usage);
      throw new UsageError(second === undefined ? `${first} needs a command: ${group.map((c) => c.words[1]).join(' or ')}` : `unknown command: ${first} ${second}`, usage);
    }
    const args = argv.slice(command.words.length);
    if (wantsHelp(args)) return print(commandHelp(command));
    return await command.run(parseCommandArgs(command, args));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sipcall: ${err.message}\n\n${err.usage}\n`);
      return 64; // EX_USAGE
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`sipcall: ${err.message}\n`);
      return 78;
    }
    process.stderr.write(`sipcall: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/** --help or -h anywhere before a `--` asks for help, whatever else is wrong with the line. */
function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return args.slice(0, end < 0 ? undefined : end).some(isHelp);
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

/** `sipcall help [COMMAND]`. */
function printHelp(words: string[]): number {
  if (words.length === 0) return print(USAGE);
  const command = COMMANDS.find((c) => c.words.length === words.length && c.words.every((w, i) => words[i] === w));
  if (command) return print(commandHelp(command));
  const group = COMMANDS.filter((c) => c.words.length > 1 && c.words[0] === words[0]);
  if (words.length === 1 && group.length > 0) return print(listing(group, false));
  throw new UsageError(`no such command: ${words.join(' ')}`);
}

/**
 * The command's options and positionals, or a UsageError saying in our words
 * what is wrong (Node's own parser errors are written for programmers).
 */
function parseCommandArgs(command: Command, args: string[]): Parsed {
  const fail = (message: string) => new UsageError(message, commandUsage(command));
  const { tokens } = parseArgs({ args, options: command.options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    if (!Object.hasOwn(command.options, token.name) || token.rawName !== `--${token.name}`) throw fail(`unknown option ${token.rawName}`);
    // `--email --name x` is a forgotten value, not an address "--name".
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) throw fail(`${token.rawName} needs a value`);
    if (Object.hasOwn(values, token.name)) throw fail(`${token.rawName} is given twice`);
    values[token.name] = token.value;
  }
  const expected = command.positionals.count;
  if (positionals.length < expected) throw fail(command.positionals.missing ?? 'an argument is missing');
  if (positionals.length > expected) throw fail(`unexpected argument: ${positionals[expected]}`);
  return { values, positionals };
}

const deckName = z.string().regex(DECK_NAME, 'letters, digits, _ . - (up to 64)');
const voucherAmount = z
  .string()
  .transform((text) => parseAmount(text))
  .refine((micros): micros is number => micros !== null && micros > 0 && micros <= 1_000 * MICROS_PER_UNIT, 'must be an amount like 10.00, above 0 and at most 1000');
const voucherCount = z.string().regex(/^[0-9]{1,4}$/, 'must be a whole number').transform(Number).refine((n) => n >= 1 && n <= MAX_VOUCHERS, `must be 1 to ${MAX_VOUCHERS}`);

function usageOf(...words: string[]): string {
  return commandUsage(COMMANDS.find((c) => c.words.join(' ') === words.join(' '))!);
}

/** An option's value through its schema, or a UsageError naming the option. */
function checked<T>(schema: z.ZodType<T>, value: string | undefined, option: string, usage: string): T {
  if (value === undefined) throw new UsageError(`${option} is required`, usage);
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${option}: ${result.error.issues.map((i) => i.message).join(', ')}`, usage);
  return result.data;
}

async function ratesImport({ values, positionals }: Parsed): Promise<number> {
  const usage = usageOf('rates', 'import');
  const deck = checked(deckName, values['deck'], '--deck', usage);
  const effectiveFrom = values['effective'] === undefined ? undefined : checked(calendarDay, values['effective'], '--effective', usage);
  if (values['replace'] !== undefined && values['replace'] !== 'yes') throw new UsageError('--replace takes yes', usage);
  const file = positionals[0]!;
  let csv: string;
  try {
    csv = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, usage);
  }
  return withDatabase(async ({ services }) => {
    try {
      const { version, orphaned } = await services.rates.import({ name: deck, csv, effectiveFrom, replace: values['replace'] === 'yes' }, CLI_ACTOR, progressBar('importing rows'));
      process.stdout.write(`imported deck ${version.name}: ${version.rows} rows in ${version.currency}, pricing calls from ${version.effectiveFrom}\n`);
      if (orphaned && orphaned.calls > 0 && orphaned.from && orphaned.to) {
        const day = (d: Date) => d.toISOString().slice(0, 10);
        const after = new Date(orphaned.to.getTime() + 86_400_000);
        process.stdout.write(`the replaced version had priced ${orphaned.calls} calls: price them again with\n  sipcall rates rerate --from ${day(orphaned.from)} --to ${day(after)}\n`);
      }
      return 0;
    } catch (err) {
      if (!(err instanceof DeckRefusedError)) throw err;
      process.stderr.write(`sipcall: ${err.message}; nothing was imported\n`);
      for (const p of err.problems.slice(0, 100)) process.stderr.write(`  line ${p.line}: ${p.message}\n`);
      if (err.problems.length > 100) process.stderr.write(`  … and ${err.problems.length - 100} more\n`);
      return 65; // EX_DATAERR
    }
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function adminCommand(command: 'create' | 'reset-password', args: Parsed): Promise<number> {
  const usage = commandUsage(COMMANDS.find((c) => c.words[0] === 'admin' && c.words[1] === command)!);
  const parsed = adminArgs.safeParse(args.values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '), usage);
  const password = await askPassword(usage);
  // Checked again, with the account's name, when it is stored; said here before anything is opened.
  const weakness = command === 'create' ? passwordWeakness(password, { email: parsed.data.email, displayName: parsed.data.name }) : null;
  if (weakness) throw new UsageError(`password ${weakness}`, usage);
  return await withDatabase(async ({ services }) => {
    if (command === 'create') {
      const user = await services.users.create({ email: parsed.data.email, displayName: parsed.data.name ?? 'Administrator', role: 'admin', password }, CLI_ACTOR);
      process.stdout.write(`created admin ${user.email} (${user.id})\n`);
      return 0;
    }
    const user = await services.users.findByEmail(parsed.data.email);
    if (!user) throw new UsageError(`no user with email ${parsed.data.email}`, usage);
    await services.users.update(user.id, { password }, CLI_ACTOR);
    process.stdout.write(`password of ${user.email} changed; their sessions were ended\n`);
    return 0;
  });
}

/** Progress lines on stderr, so stdout keeps only the result. */
const say = (message: string) => process.stderr.write(`${message}\n`);

interface Opened {
  services: ReturnType<typeof createServices>;
  /** The migrations this run applied. */
  applied: string[];
}

async function withDatabase(work: (opened: Opened) => Promise<number>): Promise<number> {
  const config = loadConfig(process.env, { persistDevelopmentSecrets: true });
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase(config.database, { log, poolSize: 2, progress: say });
  const passwords = sayingWhenHashing(createPasswordHasher());
  try {
    const applied = await db.migrate();
    // Operator commands never touch the switches: an unstarted pool and local state are enough.
    const metrics = createMetrics();
    const state = new MemoryState();
    const switching = createSwitching({ config: { ...config, switch: { ...config.switch, nodes: [] } }, state, log, metrics });
    return await work({ services: createServices({ config, db, passwords, metrics, switching, state, log }), applied });
  } finally {
    await passwords.close();
    await db.close();
  }
}

/** argon2id at full cost takes a noticeable moment: say so while it runs. */
function sayingWhenHashing(hasher: PasswordHasher): PasswordHasher {
  return {
    hash: (password) => {
      say('hashing the password…');
      return hasher.hash(password);
    },
    verify: (hash, password) => hasher.verify(hash, password),
    needsRehash: (hash) => hasher.needsRehash(hash),
    close: () => hasher.close(),
  };
}

/** Progress on stderr: a redrawn bar on a terminal, a line every 10% otherwise. */
function progressBar(label: string): (p: { done: number; total: number }) => void {
  let lastDecile = -1;
  return ({ done, total }) => {
    const share = total === 0 ? 1 : done / total;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor(share * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    }
  };
}

/** From a terminal: asked twice, not echoed. Piped: the first line of stdin. */
async function askPassword(usage: string): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await promptHidden('Password (12+ characters): ');
    if ((await promptHidden('Repeat password: ')) !== password) throw new UsageError('the passwords differ', usage);
  } else {
    password = await firstLine(usage);
  }
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) throw new UsageError(`password ${checked.error.issues.map((i) => i.message).join(', ')}`, usage);
  return checked.data;
}

function firstLine(usage: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin });
    let line: string | null = null;
    rl.once('line', (l) => {
      line = l;
      rl.close();
    });
    rl.once('close', () => (line === null ? reject(new UsageError('no password on stdin', usage)) : resolve(line)));
  });
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
