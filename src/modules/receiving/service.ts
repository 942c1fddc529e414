import { principalKey } from '../../platform/auth/tokens.ts';
import type { Ctx } from '../../platform/context.ts';
import { emit, emitMany } from '../../platform/events/emit.ts';
import { type FieldError, Problem, throwIfFieldErrors } from '../../platform/http/problems.ts';
import * as inventory from '../inventory/service.ts';
import * as repo from './repo.ts';
import type { Asn, AsnReceipt, AsnStatus, NewAsn } from './schemas.ts';

/** The webhook endpoint that exports ASN events to the merchant's systems. */
const EXPORT_ENDPOINT = 'INVENTORY_EXPORT_ASN';

const sourceOf = (asnId: string) => ({ type: 'asn', id: asnId });

const expecting: readonly AsnStatus[] = ['open', 'partially_received'];

function remaining(line: repo.AsnLineRow): number {
  return Math.max(0, line.expectedQuantity - line.receivedQuantity);
}

function toAsn(row: repo.AsnRow, lines: readonly repo.AsnLineRow[]): Asn {
  const stillExpected = expecting.includes(row.status);
  return {
    asnId: row.asnId,
    storeId: row.storeId,
    ...(row.supplier ? { supplier: row.supplier } : {}),
    expectedAt: row.expectedAt.getTime(),
    status: row.status,
    lines: lines.map((line) => ({
      productId: line.productId,
      expectedQuantity: line.expectedQuantity,
      receivedQuantity: line.receivedQuantity,
      damagedQuantity: line.damagedQuantity,
      remainingQuantity: stillExpected ? remaining(line) : 0,
    })),
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
    ...(row.endedAt ? { endedAt: row.endedAt.getTime() } : {}),
  };
}

function notFound(asnId: string): Problem {
  return new Problem('not_found', `No advance shipping notice has asnId "${asnId}".`);
}

/** Refuses the ASN when its store or any of its products does not exist, naming each. */
async function checkReferences(ctx: Ctx, input: NewAsn): Promise<void> {
  const errors = await inventory.missingReferences(ctx, [
    { field: 'body.storeId', storeId: input.storeId },
    ...input.lines.map((line, index) => ({
      field: `body.lines.${index}.productId`,
      productId: line.productId,
    })),
  ]);
  throwIfFieldErrors('unknown_reference', errors);
}

/** Records the ASN and expects its stock at the store, which gives back-ordered products their date. */
export async function createAsn(ctx: Ctx, input: NewAsn): Promise<Asn> {
  await checkReferences(ctx, input);
  const expectedAt = new Date(input.expectedAt);
  const row = await repo.insertAsn(
    ctx.tx,
    ctx.tenantId,
    {
      asnId: input.asnId,
      storeId: input.storeId,
      supplier: input.supplier ?? null,
      expectedAt,
      createdBy: principalKey(ctx.principal),
      lines: input.lines.map((line) => ({ productId: line.productId, expectedQuantity: line.quantity })),
    },
    ctx.now(),
  );
  if (!row)
    throw new Problem('already_exists', `An advance shipping notice with asnId "${input.asnId}" exists.`);
  await inventory.expectInbound(ctx, sourceOf(input.asnId), input.storeId, input.lines, expectedAt);
  const asn = toAsn(row, await repo.asnLines(ctx.tx, input.asnId));
  await emit(ctx, {
    type: 'ASN_CREATED_EVENT',
    subject: asn.asnId,
    data: { asn, exportEndpoint: EXPORT_ENDPOINT },
  });
  return asn;
}

export async function getAsn(ctx: Ctx, asnId: string): Promise<Asn> {
  const row = await repo.findAsn(ctx.tx, asnId);
  if (!row) throw notFound(asnId);
  return toAsn(row, await repo.asnLines(ctx.tx, asnId));
}

/** The ASN locked for a change, refused unless it is in one of `allowed` states. */
async function lockAsn(ctx: Ctx, asnId: string, allowed: readonly AsnStatus[], action: string) {
  const row = await repo.findAsn(ctx.tx, asnId, { lock: true });
  if (!row) throw notFound(asnId);
  if (!allowed.includes(row.status)) {
    throw new Problem(
      'invalid_state',
      `ASN "${asnId}" is ${row.status.replace('_', ' ')}; it cannot be ${action}.`,
    );
  }
  return { row, lines: await repo.asnLines(ctx.tx, asnId) };
}

function checkReceipt(asnId: string, lines: repo.AsnLineRow[], receipt: AsnReceipt): void {
  const byProduct = new Map(lines.map((line) => [line.productId, line]));
  const errors: FieldError[] = [];
  for (const [index, line] of receipt.lines.entries()) {
    const expected = byProduct.get(line.productId);
    if (!expected) {
      errors.push({
        field: `body.lines.${index}.productId`,
        message: `product "${line.productId}" is not on ASN "${asnId}"`,
      });
    } else if (!receipt.allowOverReceipt && line.quantity > remaining(expected)) {
      errors.push({
        field: `body.lines.${index}.quantity`,
        message:
          `${line.quantity} units of "${line.productId}" exceed the ${remaining(expected)} still expected; ` +
          'send allowOverReceipt: true to accept them',
      });
    }
  }
  throwIfFieldErrors('rule_violated', errors);
}

/**
 * Books a receipt: sound units into on hand, damaged ones into the damaged bucket, the ASN's lines and status
 * updated and its expected stock reduced to what is still to come. The ASN row is locked first, so concurrent
 * receipts of one ASN take turns and cannot together receive more than expected.
 */
export async function receiveAsn(ctx: Ctx, asnId: string, receipt: AsnReceipt): Promise<Asn> {
  const { row, lines } = await lockAsn(ctx, asnId, expecting, 'received');
  checkReceipt(asnId, lines, receipt);
  // Every product of the ASN, not only those received now: what it still brings of each is refreshed below.
  await inventory.lockStockLevels(
    ctx,
    lines.map((line) => ({ storeId: row.storeId, productId: line.productId })),
  );
  const reference = sourceOf(asnId);
  const movements: inventory.MovementInput[] = [];
  const lineOfMovement: number[] = [];
  const book = (index: number, productId: string, bucket: string, quantity: number) => {
    if (quantity === 0) return;
    const note = receipt.note === undefined ? {} : { note: receipt.note };
    movements.push({
      storeId: row.storeId,
      productId,
      bucket,
      quantity,
      reason: 'asn_receipt',
      reference,
      ...note,
    });
    lineOfMovement.push(index);
  };
  for (const [index, line] of receipt.lines.entries()) {
    book(index, line.productId, 'on_hand', line.quantity - line.damagedQuantity);
    book(index, line.productId, 'damaged', line.damagedQuantity);
  }
  await inventory.postMovements(ctx, movements, {
    trusted: true,
    field: (index) => `body.lines.${lineOfMovement[index]}`,
  });
  await repo.addReceivedQuantities(ctx.tx, asnId, receipt.lines);

  const after = await repo.asnLines(ctx.tx, asnId);
  const complete = after.every((line) => remaining(line) === 0);
  const now = ctx.now();
  const updated = await repo.setAsnStatus(
    ctx.tx,
    asnId,
    complete ? 'received' : 'partially_received',
    now,
    complete ? now : null,
  );
  if (complete) await inventory.clearInbound(ctx, reference);
  else await expectRemaining(ctx, updated, after);

  const asn = toAsn(updated, after);
  const received = receipt.lines.map(({ productId, quantity, damagedQuantity }) => ({
    productId,
    quantity,
    damagedQuantity,
  }));
  await emitMany(ctx, [
    {
      type: 'ASN_RECEIVED_EVENT',
      subject: asnId,
      data: {
        asnId,
        storeId: asn.storeId,
        ...(asn.supplier ? { supplier: asn.supplier } : {}),
        status: asn.status,
        received,
        ...(receipt.note ? { note: receipt.note } : {}),
        exportEndpoint: EXPORT_ENDPOINT,
      },
    },
    {
      type: complete ? 'ASN_RECEIVE_COMPLETED_EVENT' : 'ASN_PARTIALLY_RECEIVED_EVENT',
      subject: asnId,
      data: { asn, exportEndpoint: EXPORT_ENDPOINT },
    },
  ]);
  return asn;
}

function expectRemaining(ctx: Ctx, row: repo.AsnRow, lines: readonly repo.AsnLineRow[]): Promise<void> {
  const still = lines
    .filter((line) => remaining(line) > 0)
    .map((line) => ({ productId: line.productId, quantity: remaining(line) }));
  return inventory.expectInbound(ctx, sourceOf(row.asnId), row.storeId, still, row.expectedAt);
}

/** Closes an ASN short: what has not arrived is no longer expected, and receiving is complete. */
export async function closeAsn(ctx: Ctx, asnId: string): Promise<Asn> {
  const { lines } = await lockAsn(ctx, asnId, expecting, 'closed');
  const now = ctx.now();
  const asn = toAsn(await repo.setAsnStatus(ctx.tx, asnId, 'closed', now, now), lines);
  await inventory.clearInbound(ctx, sourceOf(asnId));
  const shortLines = lines
    .filter((line) => remaining(line) > 0)
    .map((line) => ({ productId: line.productId, shortQuantity: remaining(line) }));
  await emit(ctx, {
    type: 'ASN_RECEIVE_COMPLETED_EVENT',
    subject: asnId,
    data: { asn, closedShort: true, shortLines, exportEndpoint: EXPORT_ENDPOINT },
  });
  return asn;
}

/** Withdraws an ASN nothing has been received for. */
export async function cancelAsn(ctx: Ctx, asnId: string): Promise<Asn> {
  const { lines } = await lockAsn(
    ctx,
    asnId,
    ['open'],
    'cancelled (close it instead once something is received)',
  );
  const now = ctx.now();
  const asn = toAsn(await repo.setAsnStatus(ctx.tx, asnId, 'cancelled', now, now), lines);
  await inventory.clearInbound(ctx, sourceOf(asnId));
  await emit(ctx, {
    type: 'ASN_CANCELLED_EVENT',
    subject: asnId,
    data: { asn, exportEndpoint: EXPORT_ENDPOINT },
  });
  return asn;
}
