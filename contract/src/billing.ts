// Prices: rate decks, a destination's sell rate, a call's charge, spend.
// Amounts travel as exact decimal strings ("0.012") beside their currency,
// never as floating-point numbers.

/** An amount of money: a decimal string with up to six places, and an ISO 4217 currency. */
export interface Money {
  amount: string;
  currency: string;
}

/** What a call to a destination costs the caller (GET /api/destinations, `rate`). */
export interface SellRate {
  /** The deck row's name for the destination: "Germany mobile". */
  destination: string;
  /** Per minute, as a decimal string. */
  perMinute: string;
  /** Once, when the call is answered. */
  connectFee: string;
  /** Seconds billed first, then each further part begun: "60/60", "1/1", "30/6". */
  increment: string;
  /** Seconds billed at least, once answered. */
  minimumS: number;
  currency: string;
}

/** A call's price, once rated (history). Null amounts: no deck priced that side. */
export interface CallCharge {
  billedS: number | null;
  sell: Money | null;
  /** Admins only: what the trunk costs and what is left. */
  carrier?: Money | null;
  margin?: Money | null;
}

/** `sell`: what users pay; any other name: the carrier deck of the gateway so named. */
export type DeckKind = 'sell' | 'carrier';

export interface DeckVersion {
  id: string;
  /** The day (UTC) from which this version prices calls: YYYY-MM-DD. */
  effectiveFrom: string;
  rows: number;
  currency: string;
  importedBy: string;
  importedAt: string;
  /** The version that prices a call started now. */
  inEffect: boolean;
}

/** GET /api/rates (admin). */
export interface RateDecks {
  /** Every deck is in this currency (BILLING_CURRENCY). */
  currency: string;
  /** The gateway calls go out through: its carrier deck prices them. */
  gateway: string;
  decks: Array<{ name: string; kind: DeckKind; versions: DeckVersion[] }>;
}

/** What `POST /api/rates/:name` refuses a file for: each bad line, by its number (1 is the header). */
export interface DeckProblem {
  line: number;
  message: string;
}

/** GET /api/analytics's spend (admin), absent until a deck prices calls. */
export interface Spend {
  currency: string;
  /** Totals over the range: what users were charged, what the trunk cost, and the difference. */
  sell: string;
  carrier: string;
  margin: string;
  /** Calls rated with no sell rate (a destination missing from the deck). */
  unpriced: number;
  byUser: Array<{ userId: string | null; calls: number; sell: string; carrier: string }>;
  byCountry: Array<{ country: string | null; calls: number; sell: string; carrier: string }>;
  byDay: Array<{ day: string; calls: number; sell: string; carrier: string }>;
}

export type BillingMode = 'prepaid' | 'postpaid';

/** An account calls are billed to (GET /api/billing/accounts, admin). */
export interface BillingAccount {
  id: string;
  kind: 'user' | 'shared';
  name: string;
  /** A user's own account: its user. */
  ownerId: string | null;
  mode: BillingMode;
  /** Postpaid spend limits per day and calendar month (UTC); null: none. */
  dailyLimit: string | null;
  monthlyLimit: string | null;
  currency: string;
  /** Prepaid: what is free to spend (live calls' holds are out already). Postpaid: what is owed, as a negative amount. */
  balance: string;
  members: string[];
}

/** GET /api/me/billing: how the signed-in user's calls are paid; `account` null when they are not billed to one. */
export interface BillingSummary {
  account: null | {
    kind: 'user' | 'shared';
    mode: BillingMode;
    currency: string;
    balance: string;
    /** Held for calls under way. */
    held: string;
    spentToday: string;
    spentThisMonth: string;
    dailyLimit: string | null;
    monthlyLimit: string | null;
    /** Prepaid: whole minutes the balance buys of the destination the user calls most (null: nothing priced called yet). */
    minutesLeft: number | null;
    /** Prepaid: fewer minutes left than LOW_BALANCE_MINUTES. */
    low: boolean;
  };
}

/** One entry of an account's ledger, newest first. */
export interface LedgerEntry {
  id: string;
  kind: 'top_up' | 'reservation' | 'capture' | 'release' | 'refund' | 'adjustment' | 'host_earning' | 'platform_fee';
  cause: string;
  amount: string;
  reason: string | null;
  actor: string | null;
  at: string;
}
