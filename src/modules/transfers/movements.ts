import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { type FieldError, Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import * as inventory from '../inventory/service.ts';
import * as repo from './repo.ts';
import type { Transfer, TransferReceipt, TransferShipment } from './schemas.ts';
import { exportEndpointOf, lockTransfer, sourceOf, toTransfer } from './transfer.ts';

/**
 * Refuses the shipment unless the origin has every line available (on hand − reserved − safety stock): stock
 * held for customers' orders must not leave the store. The origin's levels stay locked until the transaction
 * ends, together with the destination's (created if it never held the product), all in key order, so
 * concurrent shipments cannot both take the same units and opposite transfers cannot deadlock.
 */
async function checkAvailable(ctx: Ctx, row: repo.TransferRow, lines: readonly repo.TransferLineRow[]) {
  const stores = [row.fromStoreId, ...(row.toStoreId ? [row.toStoreId] : [])];
  const keys = stores.flatMap((storeId) => lines.map((line) => ({ storeId, productId: line.productId })));
  const levels = await inventory.lockStockLevels(ctx, keys);
  const errors: FieldError[] = [];
  for (const [index, line] of lines.entries()) {
    const level = levels.get(inventory.stockKey({ storeId: row.fromStoreId, productId: line.productId }));
    const available = level?.available ?? 0;
    if (available < line.quantity) {
      errors.push({
        field: `lines.${index}.quantity`,
        message:
          `${line.productId} at ${row.fromStoreId} has ${Math.max(0, available)} available ` +
          `(on hand ${level?.onHand ?? 0}, reserved ${level?.reserved ?? 0}, safety stock ${level?.safetyStock ?? 0}); ` +
          `cannot ship ${line.quantity}`,
      });
    }
  }
  if (errors.length > 0) {
    throw new Problem(
      'insufficient_stock',
      `Store ${row.fromStoreId} does not have the stock to ship transfer "${row.transferId}"; nothing moved.`,
      { errors },
    );
  }
}

/**
 * Ships the whole transfer. Store to store: on hand leaves the origin (`transfer_out`) and arrives in the
 * destination's in-transit bucket (`transfer_in_transit`), where it is expected. Return to vendor: on hand
 * leaves the origin (`return_to_vendor`) and the transfer is done.
 */
export async function shipTransfer(
  ctx: Ctx,
  transferId: string,
  shipment: TransferShipment,
): Promise<Transfer> {
  const { row, lines } = await lockTransfer(ctx, transferId, ['created'], 'shipped');
  const toStoreId = row.type === 'store_to_store' ? row.toStoreId : null;
  if (shipment?.expectedAt !== undefined && !toStoreId) {
    throw new Problem(
      'rule_violated',
      'expectedAt is only for store_to_store transfers; a vendor return is not received.',
      {
        errors: [{ field: 'body.expectedAt', message: 'is only for store_to_store transfers' }],
      },
    );
  }
  await checkAvailable(ctx, row, lines);

  const reference = sourceOf(transferId);
  const note = row.note ?? undefined;
  const movements: inventory.MovementInput[] = [];
  const lineOfMovement: number[] = [];
  for (const [index, line] of lines.entries()) {
    const common = { productId: line.productId, reference, note };
    const outReason = toStoreId ? 'transfer_out' : 'return_to_vendor';
    movements.push({
      ...common,
      storeId: row.fromStoreId,
      bucket: 'on_hand',
      quantity: -line.quantity,
      reason: outReason,
    });
    lineOfMovement.push(index);
    if (toStoreId) {
      movements.push({
        ...common,
        storeId: toStoreId,
        bucket: 'in_transit',
        quantity: line.quantity,
        reason: 'transfer_in_transit',
      });
      lineOfMovement.push(index);
    }
  }
  await inventory.postMovements(ctx, movements, {
    trusted: true,
    field: (index) => `lines.${lineOfMovement[index]}`,
  });
  await repo.shipAllLines(ctx.tx, transferId);

  const now = ctx.now();
  const expectedAt = shipment?.expectedAt === undefined ? null : new Date(shipment.expectedAt);
  const updated = await repo.updateTransfer(
    ctx.tx,
    transferId,
    { status: 'shipped', shippedAt: now, expectedAt },
    now,
  );
  if (toStoreId) await inventory.expectInbound(ctx, reference, toStoreId, lines, expectedAt);

  const transfer = toTransfer(updated, await repo.transferLines(ctx.tx, transferId));
  await emit(ctx, {
    type: toStoreId ? 'TRANSFER_SHIPPED_EVENT' : 'RTV_SHIPPED_EVENT',
    subject: transferId,
    data: { transfer, exportEndpoint: exportEndpointOf(transfer.type) },
  });
  return transfer;
}

/** What arrived per product (0 for shipped products the receipt leaves out), after checking the receipt. */
function receivedQuantities(
  transferId: string,
  lines: readonly repo.TransferLineRow[],
  receipt: TransferReceipt,
) {
  const shipped = new Map(lines.map((line) => [line.productId, line.shippedQuantity]));
  const errors: FieldError[] = [];
  for (const [index, line] of receipt.lines.entries()) {
    const units = shipped.get(line.productId);
    if (units === undefined) {
      errors.push({
        field: `body.lines.${index}.productId`,
        message: `product "${line.productId}" is not on transfer "${transferId}"`,
      });
    } else if (line.quantity > units && !receipt.allowOverReceipt) {
      errors.push({
        field: `body.lines.${index}.quantity`,
        message: `${line.quantity} units of "${line.productId}" exceed the ${units} shipped; send allowOverReceipt: true to accept them`,
      });
    }
  }
  throwIfFieldErrors('rule_violated', errors);
  const received = new Map(receipt.lines.map((line) => [line.productId, line.quantity]));
  return lines.map((line) => ({ ...line, receivedQuantity: received.get(line.productId) ?? 0 }));
}

/**
 * Books what arrived at the destination: in transit becomes on hand (`transfer_in`). A shortfall leaves in
 * transit and an excess enters on hand as `transfer_discrepancy` movements, so the ledger shows both; the
 * transfer's lines and TRANSFER_RECEIVED_EVENT carry the discrepancies.
 */
export async function receiveTransfer(
  ctx: Ctx,
  transferId: string,
  receipt: TransferReceipt,
): Promise<Transfer> {
  const locked = await lockTransfer(ctx, transferId, ['shipped'], 'received');
  const { row } = locked;
  if (row.type !== 'store_to_store' || !row.toStoreId) {
    throw new Problem(
      'invalid_state',
      `Transfer "${transferId}" is a return to vendor; it ends when shipped.`,
    );
  }
  const toStoreId = row.toStoreId;
  const lines = receivedQuantities(transferId, locked.lines, receipt);

  const reference = sourceOf(transferId);
  const movements: inventory.MovementInput[] = [];
  const book = (productId: string, bucket: string, quantity: number, reason: string) => {
    if (quantity !== 0)
      movements.push({ storeId: toStoreId, productId, bucket, quantity, reason, reference });
  };
  for (const line of lines) {
    const arrived = Math.min(line.shippedQuantity, line.receivedQuantity);
    book(line.productId, 'in_transit', -arrived, 'transfer_in');
    book(line.productId, 'on_hand', arrived, 'transfer_in');
    book(line.productId, 'in_transit', -(line.shippedQuantity - arrived), 'transfer_discrepancy');
    book(line.productId, 'on_hand', line.receivedQuantity - arrived, 'transfer_discrepancy');
  }
  await inventory.postMovements(ctx, movements, {
    trusted: true,
    field: (index) => `lines.${lines.findIndex((line) => line.productId === movements[index]?.productId)}`,
  });
  await repo.setReceivedQuantities(ctx.tx, transferId, lines);

  const now = ctx.now();
  const updated = await repo.updateTransfer(ctx.tx, transferId, { status: 'received', receivedAt: now }, now);
  await inventory.clearInbound(ctx, reference);

  const transfer = toTransfer(updated, await repo.transferLines(ctx.tx, transferId));
  const discrepancies = transfer.lines
    .filter((line) => line.discrepancy !== 0)
    .map(({ productId, shippedQuantity, receivedQuantity, discrepancy }) => ({
      productId,
      shippedQuantity,
      receivedQuantity,
      discrepancy,
    }));
  await emit(ctx, {
    type: 'TRANSFER_RECEIVED_EVENT',
    subject: transferId,
    data: { transfer, discrepancies, exportEndpoint: exportEndpointOf(transfer.type) },
  });
  return transfer;
}
