import { REDIS_NOW } from './redis-now.js';

export const RENEW_LEASE = `--[[
  renewLease: extends a held lease by its ttl, counted from Redis's time.

  Input:
    KEYS[1]  leases ZSET of the node (trial id -> expiry, ms of Redis time)
    ARGV[1]  trial id
    ARGV[2]  lease ttl (ms)

  Output:
    1  the lease was still held and is extended
    0  it had expired (even if not yet swept away): it is dropped, someone else may hold the slot
]]
${REDIS_NOW}
local now = redisNowMs()
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) < now then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 1
`;
