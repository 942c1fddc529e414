import { purgeIntegrationRecordsTask } from './integrations/retention.ts';
import { modules as allModules } from './modules/index.ts';
import type { Platform } from './platform/context.ts';
import { sendEmailTask } from './platform/email/outbox.ts';
import { dispatchTask } from './platform/events/dispatch.ts';
import type { BackroomModule, TaskDefinition } from './platform/events/registry.ts';
import { purgeIdempotencyKeys } from './platform/http/idempotency.ts';

const platformTasks: TaskDefinition[] = [
  {
    name: 'idempotency.purge',
    schedule: '17 * * * *',
    run: async (platform: Platform) => {
      await purgeIdempotencyKeys(platform.db, platform.config.idempotencyTtlHours);
    },
  },
  sendEmailTask,
  purgeIntegrationRecordsTask,
];

/** Every background task: the platform's, the event dispatcher with every module's subscribers, the modules'. */
export function allTasks(modules: readonly BackroomModule[] = allModules): TaskDefinition[] {
  const subscribers = modules.flatMap((module) => module.subscribers ?? []);
  return [...platformTasks, dispatchTask(subscribers), ...modules.flatMap((module) => module.tasks ?? [])];
}
