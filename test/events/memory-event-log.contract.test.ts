/** The shared EventLog contract, run against the in-memory log (the default without REDIS_URL). */
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { defineEventLogContract } from './event-log-contract.js';

defineEventLogContract('memory', {
  async create(options) {
    const make = () => new MemoryEventLog(options);
    return { log: make(), restart: async () => make() };
  },
});
