// Ids as SIPCall writes them: UUIDs in lower case (users, sessions, calls).
// The switch's channel UUIDs are read in any case and stored lower-cased.

/** A UUID as SIPCall issues it (lower case). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A UUID as another system may write it. */
export const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
