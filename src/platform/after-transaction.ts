import type { FastifyBaseLogger } from 'fastify';

/** Work queued with `ctx.afterTransaction`, run in order once the transaction has ended. */
export class AfterTransaction {
  readonly #work: (() => Promise<void>)[] = [];

  add = (work: () => Promise<void>): void => {
    this.#work.push(work);
  };

  /** Runs the queued work; a failure is logged and does not stop the rest or the caller's answer. */
  async run(log: Pick<FastifyBaseLogger, 'error'>): Promise<void> {
    for (const work of this.#work.splice(0)) {
      await work().catch((error: unknown) => log.error({ err: error }, 'work after the transaction failed'));
    }
  }
}
