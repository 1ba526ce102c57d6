import type { Config } from '../config/settings.js';
import type { Logger } from '../logger.js';
import { MemoryState } from './memory.js';
import { RedisState } from './redis.js';
import type { SharedState } from './state.js';

export type { SharedState } from './state.js';

export function openSharedState(config: Config['redis'], log: Logger): SharedState {
  if (config) {
    log.info('shared state in Redis');
    return new RedisState({ url: config.url, log });
  }
  log.info('shared state in process memory (REDIS_URL not set): this node works alone');
  return new MemoryState();
}
