// Every migration, oldest first. New ones are added here and never edited once released.
import { Foundation1763704800000 } from './1763704800000-foundation.js';
import { Routing1763712000000 } from './1763712000000-routing.js';
import { CallRecords1763719200000 } from './1763719200000-call-records.js';
import { PasswordResets1763726400000 } from './1763726400000-password-resets.js';
import { Contacts1764748800000 } from './1764748800000-contacts.js';
import { NextcloudContacts1764921600000 } from './1764921600000-nextcloud-contacts.js';
import { NextcloudIdentities1765008000000 } from './1765008000000-nextcloud-identities.js';
import { Rates1765267200000 } from './1765267200000-rates.js';
import { Ledger1765440000000 } from './1765440000000-ledger.js';

export const migrations = [Foundation1763704800000, Routing1763712000000, CallRecords1763719200000, PasswordResets1763726400000, Contacts1764748800000, NextcloudContacts1764921600000, NextcloudIdentities1765008000000, Rates1765267200000, Ledger1765440000000];
