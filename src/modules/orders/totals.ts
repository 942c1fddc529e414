import type { FieldError } from '../../platform/http/problems.ts';
import type { NewOrder } from './schemas.ts';

export interface PricedReturnLine {
  quantity: number;
  unitPrice: number;
  discountAmount: number;
  taxAmount: number;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

function mismatch(field: string, expected: number, got: number | undefined): FieldError[] {
  return got === expected ? [] : [{ field, message: `expected ${expected}, got ${got ?? 'nothing'}` }];
}

export const lineAmount = (line: {
  quantity: number;
  unitPrice: number;
  discountAmount?: number | undefined;
}) => line.quantity * line.unitPrice - (line.discountAmount ?? 0);

/**
 * Every amount the order states, checked against the ones its lines give: line amounts and taxes, the totals,
 * the return total and the tenders. Return lines come priced (the sold price when none was given).
 */
export function totalsErrors(input: NewOrder, returnLines: readonly PricedReturnLine[]): FieldError[] {
  const errors: FieldError[] = [];
  input.lines.forEach((line, index) => {
    if (lineAmount(line) < 0) {
      errors.push({
        field: `body.lines.${index}.discountAmount`,
        message: `must not exceed quantity × unitPrice (${line.quantity * line.unitPrice})`,
      });
    }
    if (line.taxes) {
      errors.push(
        ...mismatch(
          `body.lines.${index}.taxAmount`,
          sum(line.taxes.map((tax) => tax.amount)),
          line.taxAmount,
        ),
      );
    }
  });
  returnLines.forEach((line, index) => {
    if (lineAmount(line) < 0) {
      errors.push({
        field: `body.returnLines.${index}.discountAmount`,
        message: `must not exceed quantity × unitPrice (${line.quantity * line.unitPrice})`,
      });
    }
  });
  const totals = input.totals;
  const subtotal = sum(input.lines.map((line) => line.quantity * line.unitPrice));
  const lineDiscounts = sum(input.lines.map((line) => line.discountAmount ?? 0));
  const shippingTotal = input.shipping?.amount ?? 0;
  const taxTotal = sum(input.lines.map((line) => line.taxAmount)) + (input.shipping?.taxAmount ?? 0);
  errors.push(...mismatch('body.totals.subtotal', subtotal, totals.subtotal));
  errors.push(...mismatch('body.totals.discountTotal', lineDiscounts, totals.discountTotal));
  if (input.discounts.length > 0) {
    const listed = sum(input.discounts.map((discount) => discount.amount));
    errors.push(...mismatch('body.discounts', lineDiscounts, listed));
  }
  errors.push(...mismatch('body.totals.taxTotal', taxTotal, totals.taxTotal));
  errors.push(...mismatch('body.totals.shippingTotal', shippingTotal, totals.shippingTotal));
  const total = subtotal - lineDiscounts + taxTotal + shippingTotal;
  errors.push(...mismatch('body.totals.total', total, totals.total));
  const returnTotal = sum(returnLines.map((line) => lineAmount(line) + line.taxAmount));
  if (returnLines.length > 0 || totals.returnTotal !== undefined) {
    errors.push(...mismatch('body.totals.returnTotal', returnTotal, totals.returnTotal ?? 0));
  }
  const charged = sum(
    input.tenders.filter((t) => (t.direction ?? 'charge') === 'charge').map((t) => t.amount),
  );
  const refunded = sum(input.tenders.filter((t) => t.direction === 'refund').map((t) => t.amount));
  errors.push(...mismatch('body.tenders', total - returnTotal, charged - refunded));
  return errors;
}

export function returnTotalOf(returnLines: readonly PricedReturnLine[]): number {
  return sum(returnLines.map((line) => lineAmount(line) + line.taxAmount));
}
