import { z } from 'zod';

/** What a user may dial: digits with an optional leading +, or an internal extension. No spaces, no dialplan syntax. */
export const destinationSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+?[0-9*#]{2,32}$/, 'must be a phone number: digits, optionally starting with +'));

export const callIdParams = z.strictObject({
  id: z.uuid(),
});

export const clickToCallBody = z.strictObject({ destination: destinationSchema });
export const holdBody = z.strictObject({ on: z.boolean() });
export const transferBody = z.strictObject({ destination: destinationSchema });
export const dtmfBody = z.strictObject({
  digits: z.string().regex(/^[0-9*#A-D]{1,32}$/, 'must be 1 to 32 of 0-9 * # A-D'),
});
