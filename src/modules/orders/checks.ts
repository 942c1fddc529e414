import type { Ctx } from '../../platform/context.ts';
import { type FieldError, Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import { missingReferences, type NamedReference } from '../inventory/service.ts';
import { findStores } from '../stores/service.ts';
import * as repo from './repo.ts';
import type { NewOrder } from './schemas.ts';
import type { PricedReturnLine } from './totals.ts';

export interface ResolvedReturnLine extends PricedReturnLine {
  productId: string;
  originalLineNumber: number;
  restock: boolean;
  reason?: string | undefined;
}

export function shapeErrors(input: NewOrder): FieldError[] {
  const errors: FieldError[] = [];
  const isReturn = input.type !== 'sale';
  if (input.type !== 'return' && input.lines.length === 0) {
    errors.push({ field: 'body.lines', message: `a ${input.type} needs at least one line` });
  }
  if (input.type === 'return' && input.lines.length > 0) {
    errors.push({ field: 'body.lines', message: 'a return sells nothing; use an exchange' });
  }
  if (isReturn && input.returnLines.length === 0) {
    errors.push({ field: 'body.returnLines', message: `a ${input.type} needs at least one return line` });
  }
  if (!isReturn && input.returnLines.length > 0) {
    errors.push({
      field: 'body.returnLines',
      message: 'a sale returns nothing; use a return or an exchange',
    });
  }
  if (isReturn && !input.originalOrderId) {
    errors.push({ field: 'body.originalOrderId', message: `required for a ${input.type}` });
  }
  if (!isReturn && input.originalOrderId) {
    errors.push({ field: 'body.originalOrderId', message: 'only returns and exchanges have one' });
  }
  return errors;
}

export async function referenceErrors(ctx: Ctx, input: NewOrder): Promise<FieldError[]> {
  const named: NamedReference[] = [{ field: 'body.storeId', storeId: input.storeId }];
  input.lines.forEach((line, index) => {
    named.push({ field: `body.lines.${index}.productId`, productId: line.productId });
    const storeId = line.fulfillment?.storeId;
    if (storeId) named.push({ field: `body.lines.${index}.fulfillment.storeId`, storeId });
  });
  const errors = await missingReferences(ctx, named);
  const store = (await findStores(ctx, [input.storeId])).get(input.storeId);
  if (store && input.currency && input.currency !== store.currency) {
    errors.push({ field: 'body.currency', message: `store ${input.storeId} sells in ${store.currency}` });
  }
  return errors;
}

/** The original order and its locked sale lines; each return line priced and checked against what is left. */
/**
 * The sold line's discount on units `before + 1 … before + quantity` of it: shares are taken cumulatively, so the
 * returns of every unit together give back exactly the line's discount, whatever the rounding.
 */
function proRataDiscount(sold: repo.OrderLineRow | undefined, before: number, quantity: number): number {
  if (!sold) return 0;
  const share = (units: number) => Math.floor((Number(sold.discountAmount) * units) / sold.quantity);
  return share(before + quantity) - share(before);
}

/** Sale lines the customer has: sold over the counter, or store-fulfilled and since shipped or picked up. */
async function handedOverLines(ctx: Ctx, lines: readonly repo.OrderLineRow[]): Promise<Set<number>> {
  const fulfillmentIds = lines.flatMap((line) => (line.fulfillmentUuid ? [line.fulfillmentUuid] : []));
  const statuses = await repo.fulfillmentStatuses(ctx.tx, fulfillmentIds);
  const handedOver = (line: repo.OrderLineRow) =>
    !line.fulfillmentUuid || ['shipped', 'completed'].includes(statuses.get(line.fulfillmentUuid) ?? '');
  return new Set(lines.filter(handedOver).map((line) => line.lineNumber));
}

export async function resolveReturns(ctx: Ctx, input: NewOrder) {
  if (!input.originalOrderId) return { original: undefined, returnLines: [] as ResolvedReturnLine[] };
  const original = await repo.findOrder(ctx.tx, input.originalOrderId);
  if (!original) {
    throw new Problem('unknown_reference', `No order has the id ${input.originalOrderId}.`, {
      errors: [{ field: 'body.originalOrderId', message: `no order has orderId "${input.originalOrderId}"` }],
    });
  }
  if (original.type === 'return') {
    throw new Problem('rule_violated', 'Only sales and exchanges can be returned from.', {
      errors: [{ field: 'body.originalOrderId', message: 'is a return, not a sale or exchange' }],
    });
  }
  const sold = new Map(
    (await repo.lockSaleLines(ctx.tx, original.id)).map((line) => [line.lineNumber, line]),
  );
  const handedOver = await handedOverLines(ctx, [...sold.values()]);
  const unknown: FieldError[] = [];
  const beyond: FieldError[] = [];
  const claimed = new Map<number, number>();
  const returnLines = input.returnLines.map((line, index): ResolvedReturnLine => {
    const soldLine = sold.get(line.originalLineNumber);
    const returnedBefore = (soldLine?.returnedQuantity ?? 0) + (claimed.get(line.originalLineNumber) ?? 0);
    if (!soldLine) {
      unknown.push({
        field: `body.returnLines.${index}.originalLineNumber`,
        message: `order ${original.orderId} has no sale line ${line.originalLineNumber}`,
      });
    } else if (!handedOver.has(line.originalLineNumber)) {
      beyond.push({
        field: `body.returnLines.${index}.originalLineNumber`,
        message: `line ${line.originalLineNumber} has not been picked up or shipped yet; cancel its fulfillment instead`,
      });
    } else if (line.unitPrice !== undefined && line.unitPrice > Number(soldLine.unitPrice)) {
      beyond.push({
        field: `body.returnLines.${index}.unitPrice`,
        message: `line ${line.originalLineNumber} was sold at ${soldLine.unitPrice}; a return cannot refund more`,
      });
    } else {
      const total = (claimed.get(line.originalLineNumber) ?? 0) + line.quantity;
      claimed.set(line.originalLineNumber, total);
      const left = soldLine.quantity - soldLine.returnedQuantity;
      if (total > left) {
        beyond.push({
          field: `body.returnLines.${index}.quantity`,
          message: `only ${left} of line ${line.originalLineNumber} can still be returned`,
        });
      }
    }
    return {
      productId: soldLine?.productId ?? '',
      originalLineNumber: line.originalLineNumber,
      quantity: line.quantity,
      unitPrice: line.unitPrice ?? Number(soldLine?.unitPrice ?? 0),
      // By default a return gives back the sale's discount on its units too, so it refunds what was paid.
      discountAmount: line.discountAmount ?? proRataDiscount(soldLine, returnedBefore, line.quantity),
      taxAmount: line.taxAmount,
      restock: line.restock ?? true,
      reason: line.reason,
    };
  });
  throwIfFieldErrors('unknown_reference', unknown);
  throwIfFieldErrors('invalid_state', beyond);
  return { original, returnLines };
}
