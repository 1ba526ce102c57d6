// What a new password must be beyond its length: hard to guess. zxcvbn-ts
// estimates how many guesses an attacker needs, against a real list of the
// passwords people use most (with their l33t, reversed and repeated forms),
// keyboard walks, sequences, dates — and the account's own email and name.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { ValidationError } from './errors.js';

/** zxcvbn's 3: "safely unguessable" online (about 10^8 guesses and more). */
const MIN_SCORE = 3;

/** Built on first use: the dictionaries take a moment to unpack. */
let estimator: ZxcvbnFactory | null = null;

export interface PasswordOwner {
  email: string;
  displayName?: string | undefined;
}

/** Why a password is refused, or null when it is good enough. */
export function passwordWeakness(password: string, owner: PasswordOwner): string | null {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const [local = '', domain = ''] = owner.email.toLowerCase().split('@');
  const name = (owner.displayName ?? '').toLowerCase();
  const inputs = [owner.email.toLowerCase(), local, local.replace(/[._+-]/g, ''), ...local.split(/[._+-]/), domain.split('.')[0] ?? '', name, name.replace(/\s+/g, ''), ...name.split(/\s+/)].filter((s) => s.length >= 3);
  // zxcvbn's work grows with the length; past 100 characters nothing is guessable anyway.
  const result = estimator.check(password.slice(0, 100), [...new Set(inputs)]);
  if (result.score >= MIN_SCORE) return null;
  if (result.sequence.some((m) => m.pattern === 'dictionary' && m.dictionaryName === 'userInputs')) return 'must not be made of the account\'s email or name';
  return 'is too easy to guess: avoid common passwords, words with digits tacked on, keyboard rows and repeats';
}

/** Throws the 400 a weak password gets, naming the field. */
export function assertStrongPassword(password: string, owner: PasswordOwner, field = 'body.password'): void {
  const weakness = passwordWeakness(password, owner);
  if (weakness) throw new ValidationError(`The password ${weakness}`, [{ path: field, message: weakness }]);
}
