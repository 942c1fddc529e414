import type { Ctx } from '../../platform/context.ts';
import { Problem } from '../../platform/http/problems.ts';
import * as repo from './repo.ts';
import type { Transfer, TransferStatus, TransferType } from './schemas.ts';

/** The webhook endpoint that exports a transfer's events to the merchant's systems. */
export function exportEndpointOf(type: TransferType): 'INVENTORY_EXPORT_STS' | 'INVENTORY_EXPORT_RTV' {
  return type === 'store_to_store' ? 'INVENTORY_EXPORT_STS' : 'INVENTORY_EXPORT_RTV';
}

/** The ledger reference of a transfer's movements, and the source of the stock it brings to its destination. */
export const sourceOf = (transferId: string) => ({ type: 'transfer', id: transferId });

export function toTransfer(row: repo.TransferRow, lines: readonly repo.TransferLineRow[]): Transfer {
  const time = (value: Date | null) => (value ? value.getTime() : undefined);
  const optional = {
    toStoreId: row.toStoreId ?? undefined,
    vendor: row.vendor ?? undefined,
    reason: row.reason ?? undefined,
    note: row.note ?? undefined,
    expectedAt: time(row.expectedAt),
    shippedAt: time(row.shippedAt),
    receivedAt: time(row.receivedAt),
    cancelledAt: time(row.cancelledAt),
  };
  return {
    transferId: row.transferId,
    type: row.type,
    fromStoreId: row.fromStoreId,
    status: row.status,
    lines: lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      shippedQuantity: line.shippedQuantity,
      ...(line.receivedQuantity === null
        ? {}
        : {
            receivedQuantity: line.receivedQuantity,
            discrepancy: line.receivedQuantity - line.shippedQuantity,
          }),
    })),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

export function notFound(transferId: string): Problem {
  return new Problem('not_found', `No transfer has transferId "${transferId}".`);
}

/**
 * The transfer locked for a change (so changes of one transfer take turns), refused with 409 unless it is in
 * one of the `allowed` states.
 */
export async function lockTransfer(
  ctx: Ctx,
  transferId: string,
  allowed: readonly TransferStatus[],
  action: string,
) {
  const row = await repo.findTransfer(ctx.tx, transferId, { lock: true });
  if (!row) throw notFound(transferId);
  if (!allowed.includes(row.status)) {
    throw new Problem('invalid_state', `Transfer "${transferId}" is ${row.status}; it cannot be ${action}.`);
  }
  return { row, lines: await repo.transferLines(ctx.tx, transferId) };
}
