import { Worker } from 'node:worker_threads';

export type ReceiverRequest = { type: 'arrivals' } | { type: 'reset' } | { type: 'close' };
export type ReceiverReply =
  | { type: 'listening'; url: string }
  | { type: 'arrivals'; arrivals: [string, number][]; requests: number }
  | { type: 'reset' }
  | { type: 'closed' };

export interface WebhookReceiver {
  url: string;
  /** When each event id first arrived (performance.timeOrigin + performance.now()), and how many requests came. */
  arrivals(): Promise<{ firstArrival: Map<string, number>; requests: number }>;
  /** Forgets every arrival. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback HTTP endpoint answering 200 to every request, on its own thread so that the arrival times it
 * notes do not wait for the event loop of the Backroom under test.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const worker = new Worker(new URL('./webhook-receiver-worker.ts', import.meta.url));
  const ask = <T extends ReceiverReply['type']>(request: ReceiverRequest | undefined, answer: T) =>
    new Promise<Extract<ReceiverReply, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ReceiverReply) => {
        if (message.type !== answer) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(message as Extract<ReceiverReply, { type: T }>);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      if (request) worker.postMessage(request);
    });
  const { url } = await ask(undefined, 'listening');
  return {
    url,
    async arrivals() {
      const reply = await ask({ type: 'arrivals' }, 'arrivals');
      return { firstArrival: new Map(reply.arrivals), requests: reply.requests };
    },
    async reset() {
      await ask({ type: 'reset' }, 'reset');
    },
    async close() {
      await ask({ type: 'close' }, 'closed');
      await worker.terminate();
    },
  };
}
