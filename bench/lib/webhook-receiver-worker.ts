import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import type { ReceiverReply, ReceiverRequest } from './webhook-receiver.ts';

// The merchant's endpoint of the webhook-delivery benchmark, on a thread of its own: it answers 200 at once and
// notes when each event (by the `eventId` of the body) first arrived, on the clock every thread shares.

const port = parentPort;
if (!port) throw new Error('webhook-receiver-worker runs as a worker thread');

const firstArrival = new Map<string, number>();
let requests = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    requests += 1;
    try {
      const eventId = JSON.parse(Buffer.concat(chunks).toString('utf8')).eventId;
      if (typeof eventId === 'string' && !firstArrival.has(eventId)) firstArrival.set(eventId, at);
    } catch {
      // Not JSON: counted, not timed.
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 30_000;

function reply(message: ReceiverReply): void {
  port?.postMessage(message);
}

port.on('message', (message: ReceiverRequest) => {
  if (message.type === 'arrivals') reply({ type: 'arrivals', arrivals: [...firstArrival], requests });
  else if (message.type === 'reset') {
    firstArrival.clear();
    requests = 0;
    reply({ type: 'reset' });
  } else if (message.type === 'close') {
    server.closeAllConnections();
    server.close(() => {
      reply({ type: 'closed' });
      port.close();
    });
  }
});

server.listen(0, '127.0.0.1', () => {
  reply({ type: 'listening', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
