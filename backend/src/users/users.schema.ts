import { z } from 'zod';
import { ROLES } from '../core/identity.js';

/** Its length; how guessable it is, which depends on whose it is, is checked by users.service (core/password-policy.ts). */
export const passwordSchema = z.string().min(12, 'must be at least 12 characters').max(256, 'must be at most 256 characters');

export const emailSchema = z.email().max(254).transform((e) => e.toLowerCase());
export const displayNameSchema = z.string().trim().min(1).max(200);
export const roleSchema = z.enum(ROLES);

export const extensionSchema = z.string().regex(/^[0-9]{2,6}$/, 'must be 2 to 6 digits');
export const countrySchema = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO country code like DE');

export const createUserSchema = z.strictObject({
  email: emailSchema,
  displayName: displayNameSchema,
  role: roleSchema.default('user'),
  password: passwordSchema,
  extension: extensionSchema.optional(),
  defaultCountry: countrySchema.optional(),
});

export const updateUserSchema = z
  .strictObject({
    displayName: displayNameSchema.optional(),
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
    extension: extensionSchema.nullable().optional(),
    defaultCountry: countrySchema.nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'nothing to change');

export const userIdParams = z.strictObject({ id: z.uuid() });

export const listUsersQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(254).optional(),
  q: z.string().trim().min(1).max(100).optional(),
});
