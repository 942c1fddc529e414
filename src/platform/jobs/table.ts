import type { Timestamp } from '../db/schema.ts';

export interface WorkerProcessesTable {
  id: string;
  workerIds: string[];
  startedAt: Timestamp;
  heartbeatAt: Timestamp;
}
