/** The events of a count's lifecycle, named as the reference names them; the subject is the cycleCountId. */
export const CYCLE_COUNT_EVENTS = {
  created: 'CYC_COUNT_CREATED_EVENT',
  started: 'CYC_COUNT_STARTED_EVENT',
  counted: 'CYC_COUNT_COUNTED_EVENT',
  completed: 'CYC_COUNT_COMPLETED_EVENT',
  // Spelled as the reference spells it.
  cancelled: 'CYC_COUNT_CANCELED_EVENT',
} as const;
