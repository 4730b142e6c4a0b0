/**
 * Included at the top of every fleet script that reads the time (BullMQ's `--- @include` in spirit):
 * all dispatchers and API replicas then judge expiry by the one clock they share, Redis's, never
 * by their own, which may be skewed. TIME before a write needs no `redis.replicate_commands()`:
 * that is only for Redis < 5, and Redis 7 (what `up` and the tests run) replicates script effects.
 */
export const REDIS_NOW = `
local function redisNowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;
