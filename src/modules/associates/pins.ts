import { Problem } from '../../platform/http/problems.ts';

const WEAK_PIN =
  'is too easy to guess: use neither one digit or pair repeated (0000, 1212) nor a run (1234, 4321)';

function isRun(pin: string, step: 1 | -1): boolean {
  for (let i = 1; i < pin.length; i += 1) {
    if (Number(pin[i]) - Number(pin[i - 1]) !== step) return false;
  }
  return true;
}

function isRepetition(pin: string, blockLength: number): boolean {
  const block = pin.slice(0, blockLength);
  return block.repeat(Math.ceil(pin.length / blockLength)).slice(0, pin.length) === pin;
}

/** A PIN guessed in the first few tries: one digit or one pair repeated, or a rising or falling run. */
export function isTrivialPin(pin: string): boolean {
  return isRepetition(pin, 1) || isRepetition(pin, 2) || isRun(pin, 1) || isRun(pin, -1);
}

/** Refuses a trivial PIN with 422 `password_rejected`, naming the field it came in. */
export function assertPinAccepted(pin: string, field: string): void {
  if (!isTrivialPin(pin)) return;
  throw new Problem('password_rejected', `The PIN ${WEAK_PIN}.`, { errors: [{ field, message: WEAK_PIN }] });
}
