/** The GS1 mod-10 check digit of a GTIN's other digits: from the right, weights 3, 1, 3, 1, … */
export function gtinCheckDigit(body: string): number {
  const sum = [...body]
    .reverse()
    .reduce((total, digit, index) => total + Number(digit) * (index % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10;
}

/** GTIN-8, UPC-A (GTIN-12), EAN-13 and GTIN-14, checked with the GS1 check digit. */
export function isGtin(value: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value)) return false;
  return gtinCheckDigit(value.slice(0, -1)) === Number(value.at(-1));
}

/** A GTIN made of `body` and its check digit. */
export function withCheckDigit(body: string): string {
  return `${body}${gtinCheckDigit(body)}`;
}
