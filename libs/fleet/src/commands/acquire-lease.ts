import { REDIS_NOW } from './redis-now.js';

/** Keys acquireLease takes per candidate node, after KEYS[1]. */
export const ACQUIRE_KEYS_PER_NODE = 3;

/**
 * Choosing a node and taking its slot is one atomic step across any number of dispatchers. The
 * node set is only known at run time, so the caller reads the node ids first (HKEYS) and passes
 * their keys; a node that joined since is left for the next try, one that left is skipped.
 */
export const ACQUIRE_LEASE = `--[[
  acquireLease: leases a slot for a trial on the best matching live node.

  Input:
    KEYS[1]      nodes HASH (node id -> node JSON)
    KEYS[3i-1]   alive STRING of the i-th node id in ARGV[8..] (absent: it left the pool)
    KEYS[3i]     unreachable STRING of that node (present: no leases)
    KEYS[3i+1]   leases ZSET of that node (trial id -> expiry, ms of Redis time)

    ARGV[1]      trial id
    ARGV[2]      lease ttl (ms)
    ARGV[3]      backend name ('' = any)
    ARGV[4]      node id to avoid ('' = none)
    ARGV[5]      device class 'cpu' | 'cuda' ('' = any), read from the node's device string as
                 deviceClassOf (trainer-node.ts) does
    ARGV[6]      runtime 'torch' | 'onnxruntime' ('' = any), as runtimeOf does
    ARGV[7]      model path to prefer ('' = none)
    ARGV[8..]    node ids, in the order of their KEYS

  Output:
    { nodeId, address } of a node with a free slot — one holding the model in memory if any does,
    else the one with most free slots — or nil when none is free.
]]
${REDIS_NOW}
local trial, ttl, backend, avoid = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local wantDevice, wantRuntime, model = ARGV[5], ARGV[6], ARGV[7]
local now = redisNowMs()
local best, bestLeases, bestFree, bestHolds, bestAddr = nil, nil, 0, false, nil
for i = 8, #ARGV do
  local id = ARGV[i]
  local k = 2 + (i - 8) * ${ACQUIRE_KEYS_PER_NODE}
  local aliveKey, unreachableKey, leasesKey = KEYS[k], KEYS[k + 1], KEYS[k + 2]
  local text = redis.call('HGET', KEYS[1], id)
  if text and id ~= avoid and redis.call('EXISTS', aliveKey) == 1 and redis.call('EXISTS', unreachableKey) == 0 then
    local info = cjson.decode(text)
    local ok = backend == ''
    if not ok then
      for _, b in ipairs(info.backends) do if b == backend then ok = true end end
    end
    local device = info.device or ''
    local class = string.find(device, 'cuda', 1, true) and 'cuda' or 'cpu'
    local runtime = string.sub(device, 1, 5) == 'torch' and 'torch' or 'onnxruntime'
    if wantDevice ~= '' and class ~= wantDevice then ok = false end
    if wantRuntime ~= '' and runtime ~= wantRuntime then ok = false end
    if ok then
      redis.call('ZREMRANGEBYSCORE', leasesKey, '-inf', now)
      local free = info.slots - redis.call('ZCARD', leasesKey)
      if redis.call('ZSCORE', leasesKey, trial) then free = free + 1 end
      local holds = false
      if model ~= '' and type(info.loadedModels) == 'table' then
        for _, m in ipairs(info.loadedModels) do if m == model then holds = true end end
      end
      if free > 0 and ((holds and not bestHolds) or (holds == bestHolds and free > bestFree)) then
        best, bestLeases, bestFree, bestHolds, bestAddr = id, leasesKey, free, holds, info.address
      end
    end
  end
end
if not best then return nil end
redis.call('ZADD', bestLeases, now + ttl, trial)
return { best, bestAddr }
`;
