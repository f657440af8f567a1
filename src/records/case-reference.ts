import { z } from 'zod';

/**
 * A child's case reference in the organisation's case system (LCS, EHM, Liquid Logic, Eclipse).
 * Supervision records hold only these, never a name or case details: the shape (no spaces, at
 * least one digit, at most 32 characters) refuses "Amy Smith" or "Family of 4 in ..." outright.
 */
export const caseReferenceSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9\-/_.:]{0,31}$/, {
    message: 'must be a case reference (letters, digits and - / _ . : only, no spaces, at most 32 characters), never a name',
  })
  .refine((value) => /\d/.test(value), { message: 'must be a case reference containing the case number, never a name' });

export type CaseReference = z.infer<typeof caseReferenceSchema>;
