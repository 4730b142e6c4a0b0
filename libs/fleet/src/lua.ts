// Lease bookkeeping runs as Lua so that choosing a node and taking its slot is one atomic
// step across any number of dispatchers. Keys are derived inside the scripts from the
// prefix (ARGV[1]) because the node set is only known at run time.

/**
 * acquireLease
 *   ARGV[1] key prefix, ARGV[2] trial id, ARGV[3] now (ms), ARGV[4] lease ttl (ms),
 *   ARGV[5] backend name ('' = any), ARGV[6] node id to avoid ('' = none),
 *   ARGV[7] device class 'cpu' | 'cuda' ('' = any), ARGV[8] runtime 'torch' | 'onnxruntime' ('' = any),
 *   ARGV[9] model path to prefer ('' = none)
 * Returns { nodeId, address } of a matching node with a free slot — one that holds the model in memory
 * if any does, else the one with most free slots — or nil when none is free. The device class and
 * runtime are read from the node's device string as deviceClassOf / runtimeOf (trainer-node.ts) do.
 */
export const ACQUIRE_LEASE = `
local prefix, trial, now, ttl, backend, avoid = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6]
local wantDevice, wantRuntime, model = ARGV[7] or '', ARGV[8] or '', ARGV[9] or ''
local nodes = redis.call('HGETALL', prefix .. 'nodes')
local best, bestFree, bestHolds, bestAddr = nil, 0, false, nil
for i = 1, #nodes, 2 do
  local id = nodes[i]
  if id ~= avoid and redis.call('EXISTS', prefix .. 'alive:' .. id) == 1
     and redis.call('EXISTS', prefix .. 'unreachable:' .. id) == 0 then
    local info = cjson.decode(nodes[i + 1])
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
      local lk = prefix .. 'leases:' .. id
      redis.call('ZREMRANGEBYSCORE', lk, '-inf', now)
      local free = info.slots - redis.call('ZCARD', lk)
      if redis.call('ZSCORE', lk, trial) then free = free + 1 end
      local holds = false
      if model ~= '' and type(info.loadedModels) == 'table' then
        for _, m in ipairs(info.loadedModels) do if m == model then holds = true end end
      end
      if free > 0 and ((holds and not bestHolds) or (holds == bestHolds and free > bestFree)) then
        best, bestFree, bestHolds, bestAddr = id, free, holds, info.address
      end
    end
  end
end
if not best then return nil end
redis.call('ZADD', prefix .. 'leases:' .. best, now + ttl, trial)
return { best, bestAddr }
`;

/**
 * renewLease: ARGV[1] prefix, ARGV[2] node id, ARGV[3] trial id, ARGV[4] now (ms), ARGV[5] ttl (ms)
 * Returns 1 if the lease was still held, 0 if it had expired (even if not yet swept away).
 */
export const RENEW_LEASE = `
local lk = ARGV[1] .. 'leases:' .. ARGV[2]
local now = tonumber(ARGV[4])
local expiry = redis.call('ZSCORE', lk, ARGV[3])
if not expiry or tonumber(expiry) < now then
  redis.call('ZREM', lk, ARGV[3])
  return 0
end
redis.call('ZADD', lk, 'XX', now + tonumber(ARGV[5]), ARGV[3])
return 1
`;
