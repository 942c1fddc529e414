import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit } from '../../platform/events/emit.ts';
import { Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import * as inventory from '../inventory/service.ts';
import * as repo from './repo.ts';
import type { NewTransfer, Transfer } from './schemas.ts';
import { exportEndpointOf, lockTransfer, notFound, toTransfer } from './transfer.ts';

export { receiveTransfer, shipTransfer } from './movements.ts';

/** Refuses the transfer when a store or product it names does not exist, naming each. */
async function checkReferences(ctx: Ctx, input: NewTransfer): Promise<void> {
  const errors = await inventory.missingReferences(ctx, [
    { field: 'body.fromStoreId', storeId: input.fromStoreId },
    ...(input.toStoreId ? [{ field: 'body.toStoreId', storeId: input.toStoreId }] : []),
    ...input.lines.map((line, index) => ({
      field: `body.lines.${index}.productId`,
      productId: line.productId,
    })),
  ]);
  throwIfFieldErrors('unknown_reference', errors);
}

/** Records a transfer to ship later; no stock moves until it is shipped. */
export async function createTransfer(ctx: Ctx, input: NewTransfer): Promise<Transfer> {
  await checkReferences(ctx, input);
  const row = await repo.insertTransfer(
    ctx.tx,
    ctx.tenantId,
    {
      transferId: input.transferId,
      type: input.type,
      fromStoreId: input.fromStoreId,
      toStoreId: input.type === 'store_to_store' ? (input.toStoreId ?? null) : null,
      vendor: input.type === 'return_to_vendor' ? (input.vendor ?? null) : null,
      reason: input.reason ?? null,
      note: input.note ?? null,
      createdBy: principalKey(ctx.principal),
      lines: input.lines,
    },
    ctx.now(),
  );
  if (!row) throw new Problem('already_exists', `A transfer with transferId "${input.transferId}" exists.`);
  const transfer = toTransfer(row, await repo.transferLines(ctx.tx, input.transferId));
  await emit(ctx, {
    type: 'TRANSFER_CREATED_EVENT',
    subject: transfer.transferId,
    data: { transfer, exportEndpoint: exportEndpointOf(transfer.type) },
  });
  return transfer;
}

export async function getTransfer(ctx: Ctx, transferId: string): Promise<Transfer> {
  const row = await repo.findTransfer(ctx.tx, transferId);
  if (!row) throw notFound(transferId);
  return toTransfer(row, await repo.transferLines(ctx.tx, transferId));
}

/** Withdraws a transfer that has not been shipped; no stock had moved. */
export async function cancelTransfer(ctx: Ctx, transferId: string): Promise<Transfer> {
  const { lines } = await lockTransfer(ctx, transferId, ['created'], 'cancelled');
  const now = ctx.now();
  const row = await repo.updateTransfer(ctx.tx, transferId, { status: 'cancelled', cancelledAt: now }, now);
  const transfer = toTransfer(row, lines);
  await emit(ctx, {
    type: 'TRANSFER_CANCELLED_EVENT',
    subject: transferId,
    data: { transfer, exportEndpoint: exportEndpointOf(transfer.type) },
  });
  return transfer;
}
