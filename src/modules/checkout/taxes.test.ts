import { describe, expect, it } from 'vitest';
import { calculateTaxes, type TaxRate, taxOf } from './taxes.ts';

const state: TaxRate = { name: 'State tax', ratePpm: 62_500, appliesToShipping: true };
const city: TaxRate = { name: 'City tax', ratePpm: 20_000, appliesToShipping: false };
const food: TaxRate = { name: 'Food tax', taxClass: 'food', ratePpm: 10_000, appliesToShipping: false };
const foodSurcharge: TaxRate = {
  name: 'Food surcharge',
  taxClass: 'food',
  ratePpm: 5_000,
  appliesToShipping: false,
};

describe('calculateTaxes', () => {
  it('stacks every rate without a class on a line whose product has no class', () => {
    const result = calculateTaxes([state, city, food], [{ lineNumber: 1, amount: 10_000 }]);
    expect(result.lines).toEqual([
      {
        lineNumber: 1,
        taxes: [
          { name: 'State tax', ratePpm: 62_500, amount: 625 },
          { name: 'City tax', ratePpm: 20_000, amount: 200 },
        ],
        taxAmount: 825,
      },
    ]);
    expect(result.taxTotal).toBe(825);
    expect(result.shipping).toBeUndefined();
  });

  it('applies only the rates of a named class, stacked, to products of that class', () => {
    const result = calculateTaxes(
      [state, food, foodSurcharge],
      [{ lineNumber: 3, taxClass: 'food', amount: 2_000 }],
    );
    expect(result.lines[0]?.taxes.map((tax) => [tax.name, tax.amount])).toEqual([
      ['Food tax', 20],
      ['Food surcharge', 10],
    ]);
    expect(result.taxTotal).toBe(30);
  });

  it('falls back to the rates without a class for a class no rate names', () => {
    const result = calculateTaxes([state, food], [{ lineNumber: 1, taxClass: 'clothing', amount: 1_000 }]);
    expect(result.lines[0]?.taxes).toEqual([{ name: 'State tax', ratePpm: 62_500, amount: 63 }]);
  });

  it('taxes nothing when no rate applies', () => {
    const result = calculateTaxes([food], [{ lineNumber: 1, amount: 1_000 }], 500);
    expect(result.lines[0]).toEqual({ lineNumber: 1, taxes: [], taxAmount: 0 });
    expect(result.shipping).toEqual({ taxes: [], taxAmount: 0 });
    expect(result.taxTotal).toBe(0);
  });

  it('rounds each line and rate on its own, half away from zero', () => {
    // 8.25 % of 1 000 is 82.5 → 83 on each line; rounding the sum instead would give 165.
    const rate: TaxRate = { name: 'Sales tax', ratePpm: 82_500, appliesToShipping: false };
    const result = calculateTaxes(
      [rate],
      [
        { lineNumber: 1, amount: 1_000 },
        { lineNumber: 2, amount: 1_000 },
        { lineNumber: 3, amount: 999 },
      ],
    );
    expect(result.lines.map((line) => line.taxAmount)).toEqual([83, 83, 82]);
    expect(result.taxTotal).toBe(248);
    expect(taxOf(-1_000, 82_500)).toBe(-83);
    expect(taxOf(1_000, 82_499)).toBe(82);
  });

  it('keeps exact integers for amounts whose product with the rate passes 2^53', () => {
    // 9 007 199 254 740 991 × 10 % = 900 719 925 474 099.1 → 900 719 925 474 099.
    expect(taxOf(Number.MAX_SAFE_INTEGER, 100_000)).toBe(900_719_925_474_099);
    expect(taxOf(Number.MAX_SAFE_INTEGER, 1_000_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('taxes shipping by the rates marked for shipping only, and adds it to the total', () => {
    const result = calculateTaxes([state, city], [{ lineNumber: 1, amount: 1_000 }], 500);
    expect(result.shipping).toEqual({
      taxes: [{ name: 'State tax', ratePpm: 62_500, amount: 31 }],
      taxAmount: 31,
    });
    expect(result.taxTotal).toBe(63 + 20 + 31);
  });
});
