// Where the real peers are, for the tests that use them. Unset means the
// suite runs on the embedded database and in-process state alone, and says so.
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || undefined;
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] || undefined;
