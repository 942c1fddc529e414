const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID: ids that are not name nothing, and must not reach a uuid column (a 500). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
