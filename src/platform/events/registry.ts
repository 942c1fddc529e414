import type { FastifyInstance } from 'fastify';
import type { Ctx, Platform } from '../context.ts';

export interface StoredEvent {
  id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
  occurredAt: Date;
}

/** Reacts to committed events. Delivery is at least once, so a subscriber must be idempotent. */
export interface EventSubscriber {
  name: string;
  accepts(type: string): boolean;
  handle(ctx: Ctx, event: StoredEvent): Promise<void>;
}

export interface TaskDefinition {
  name: string;
  /** A crontab pattern (UTC) for periodic tasks. */
  schedule?: string;
  run(platform: Platform, payload: unknown): Promise<void>;
}

/** What a module contributes to Backroom: routes, background tasks, event subscribers. */
export interface BackroomModule {
  name: string;
  routes?(app: FastifyInstance, platform: Platform): void;
  tasks?: TaskDefinition[];
  subscribers?: EventSubscriber[];
}
