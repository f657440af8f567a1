/**
 * The canonical vocabulary from the policy digest. Packs may add roles and categories, but
 * every id listed here must exist in its pack so the product can talk about "an ASYE" or
 * "a child-protection case" the same way in every organisation.
 */
export const organisationIds = ['birmingham', 'northumberland', 'dudley', 'shropshire', 'bristol'] as const;
export type OrganisationId = (typeof organisationIds)[number];

export const canonicalRoleIds: Record<OrganisationId, readonly string[]> = {
  birmingham: [
    'social-worker',
    'supervising-fostering-social-worker',
    'adoption-support-worker',
    'iro',
    'team-manager',
    'head-of-service',
    'early-help-practitioner',
    'rights-participation',
    'family-support-locality',
    'support-services',
    'asye',
    'project-officer',
    'yos-new-staff',
    'yos-support-role',
    'yos-senior-leadership',
    'yos-case-manager',
    'yos-team-manager',
  ],
  northumberland: ['asye'],
  dudley: [
    'asye',
    'returner',
    'student',
    'business-support-manager',
    'business-support',
    'early-help',
    'foster-carer',
    'residential',
    'registered-manager',
    'social-worker',
    'supervising-fostering-social-worker',
    'advanced-practitioner',
    'iro',
    'team-manager',
    'service-manager',
    'head-of-service',
    'service-director',
  ],
  shropshire: [
    'service-manager',
    'team-manager',
    'social-worker',
    'social-worker-non-case-holding',
    'asye',
    'targeted-youth-worker',
    'support-services',
    'support-services-non-case-holding',
    'residential',
    'residential-part-time',
    'residential-casual',
  ],
  bristol: ['casual'],
};

export const canonicalCaseCategories = [
  'early-help',
  'child-in-need',
  'child-protection',
  'child-in-care',
  'child-in-care-permanence-planning',
  'care-leaver',
  'care-leaver-stable',
  'unregulated-provision',
  'asti',
  'foster-carer-short-term',
  'foster-carer-long-term',
  'long-term-placement',
  'short-breaks',
  'yos-high-risk',
  'yos-other',
  'other',
] as const;

/** Case categories each organisation's seed names (the pack must have a rule for each). */
export const expectedCaseCategories: Record<OrganisationId, readonly string[]> = {
  birmingham: [
    'early-help',
    'asti',
    'child-in-need',
    'child-protection',
    'child-in-care',
    'child-in-care-permanence-planning',
    'care-leaver',
    'unregulated-provision',
    'foster-carer-short-term',
    'foster-carer-long-term',
    'yos-high-risk',
    'yos-other',
    'other',
  ],
  northumberland: ['early-help', 'child-in-need', 'child-protection', 'child-in-care', 'other'],
  dudley: ['long-term-placement', 'short-breaks', 'other'],
  shropshire: ['care-leaver', 'care-leaver-stable', 'other'],
  bristol: ['other'],
};
