import { REDIS_NOW } from './redis-now.js';

export const RECORD_HEARTBEAT = `--[[
  recordHeartbeat: a node (re)joins the pool; its heartbeat time is Redis's, so every API replica
  and dispatcher reads the same age whatever its own clock says.

  Input:
    KEYS[1]  nodes HASH (node id -> node JSON)
    KEYS[2]  heartbeats HASH (node id -> ms of Redis time of its last heartbeat)
    KEYS[3]  alive STRING of the node
    ARGV[1]  node id
    ARGV[2]  node JSON
    ARGV[3]  heartbeat timeout (ms): the alive key's time to live

  Output:
    the heartbeat's time (ms of Redis time)
]]
${REDIS_NOW}
local now = redisNowMs()
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], now)
redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
return now
`;
