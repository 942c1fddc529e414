import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/** The form duplicates are found by: trimmed and lower-cased. */
export function normalizeEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

/**
 * The form duplicates are found by: E.164 (`+12125550123`) when the number parses for its own country code or
 * for `defaultCountry`; otherwise its digits, so that two spellings of one unparseable number still match.
 */
export function normalizePhone(phone: string | null | undefined, defaultCountry?: string): string | null {
  if (!phone?.trim()) return null;
  const parsed = parsePhoneNumberFromString(phone, defaultCountry as CountryCode | undefined);
  if (parsed?.isValid()) return parsed.number;
  const digits = phone.replace(/\D/g, '');
  return digits ? digits : null;
}
