package io.github.diffusion4j.quarkus.redis;

/**
 * The queue's state transitions as Lua scripts: each runs atomically in Redis, so two nodes never both take, finish or
 * cancel one job. Every script gets the key prefix as ARGV[1] and derives its keys from it (all keys share the
 * prefix's hash tag, one Redis Cluster slot). Event ids are stream ids {@code 0-N} made by {@code XADD key 0-*}, so they
 * grow by one per event of a job whichever node appends, also across a restart of the job.
 */
final class Scripts {

    private Scripts() {
    }

    /** Common helpers: append an event (returns its number), release a client's slot. */
    private static final String LIB = """
            local P = ARGV[1]
            local function append(id, name, json)
              local eid = redis.call('XADD', P..':ev:'..id, '0-*', 't', name, 'd', json)
              local n = string.match(eid, '-(%d+)$')
              redis.call('HSET', P..':job:'..id, 'lastEvent', n)
              redis.call('PUBLISH', P..':events', id .. ' ' .. name)
              return n
            end
            local function release(client)
              local left = redis.call('DECR', P..':client:'..client)
              if left <= 0 then
                redis.call('DEL', P..':client:'..client)
                redis.call('HDEL', P..':rounds', client)
              end
            end
            local function expire(id, ttl)
              redis.call('EXPIRE', P..':job:'..id, ttl)
              redis.call('EXPIRE', P..':ev:'..id, ttl)
              redis.call('EXPIRE', P..':res:'..id, ttl)
            end
            local function ttlOf(job, keep, transient)
              if redis.call('HGET', job, 'keep') == '1' then return keep end
              return transient
            end
            """;

    /**
     * ARGV: prefix, id, model, client, request JSON, now, keep (1/0), capacity, per-client cap. Returns {position,
     * mean job ms}, {-1, mean} (queue full) or {-2, mean} (client cap). The round-robin score: a client's next job goes one round
     * after its previous waiting job, and never before the round being served, so clients alternate; in a round, a
     * client that had nothing waiting goes first (as the memory backend's rotation does).
     */
    static final String SUBMIT = LIB + """
            local id, model, client = ARGV[2], ARGV[3], ARGV[4]
            local mean = math.floor(tonumber(redis.call('HGET', P..':stats', 'mean') or '0'))
            local mine = tonumber(redis.call('GET', P..':client:'..client) or '0')
            if mine >= tonumber(ARGV[9]) then return {-2, mean} end
            local waiting = tonumber(redis.call('GET', P..':waiting') or '0')
            if waiting >= tonumber(ARGV[8]) then return {-1, mean} end
            local cr = tonumber(redis.call('HGET', P..':rounds', client) or '0')
            local gr = tonumber(redis.call('GET', P..':round') or '0')
            local r = math.max(cr, gr) + 1
            redis.call('HSET', P..':rounds', client, r)
            -- within a round, a client with no job in the round being served or later (a newcomer, or one whose
            -- turn came long ago) goes before those served in the current round
            local seq = redis.call('INCR', P..':seq') % 500000000
            if cr > 0 and cr >= gr then seq = seq + 500000000 end
            redis.call('ZADD', P..':wait:'..model, r * 1000000000 + seq, id)
            redis.call('INCR', P..':waiting')
            redis.call('INCR', P..':client:'..client)
            redis.call('HSET', P..':job:'..id, 'model', model, 'client', client, 'state', 'queued', 'created', ARGV[6],
              'request', ARGV[5], 'keep', ARGV[7], 'attempts', 0, 'step', 0, 'total', 0, 'lastEvent', 0)
            local pos = redis.call('ZRANK', P..':wait:'..model, id) + 1
            append(id, 'queued', cjson.encode({jobId = id, model = model, position = pos}))
            redis.call('PUBLISH', P..':submitted', model)
            return {pos, mean}
            """;

    /**
     * ARGV: prefix, model, consumer, now. Takes the first waiting job of the model (round-robin order) and hands it to
     * this consumer through the work stream's consumer group: the pending entry is the at-least-once record of the
     * running job. Returns {id, entry id, request JSON, created} or false.
     */
    static final String TAKE = LIB + """
            local model, consumer = ARGV[2], ARGV[3]
            local popped = redis.call('ZPOPMIN', P..':wait:'..model)
            if #popped == 0 then return false end
            local id = popped[1]
            redis.call('SET', P..':round', math.floor(tonumber(popped[2]) / 1000000000))
            redis.call('DECR', P..':waiting')
            redis.call('INCR', P..':running')
            local job = P..':job:'..id
            redis.call('HSET', job, 'state', 'running', 'started', ARGV[4], 'worker', consumer, 'attempts', 1)
            local work = P..':work:'..model
            redis.call('XADD', work, '*', 'job', id)
            local got = redis.call('XREADGROUP', 'GROUP', 'workers', consumer, 'COUNT', 1, 'STREAMS', work, '>')
            return {id, got[1][2][1][1], redis.call('HGET', job, 'request'), redis.call('HGET', job, 'created')}
            """;

    /**
     * ARGV: prefix, id, attempt, event name, event JSON, step, total, eta, history size. Appends an event of a running
     * attempt, trimming the stream to about the history size. Returns 0 when the job is no longer this attempt's
     * (cancelled, finished, restarted elsewhere): the worker stops.
     */
    static final String APPEND = LIB + """
            local id = ARGV[2]
            local job = P..':job:'..id
            if redis.call('HGET', job, 'state') ~= 'running' or redis.call('HGET', job, 'attempts') ~= ARGV[3] then
              return 0
            end
            append(id, ARGV[4], ARGV[5])
            redis.call('XTRIM', P..':ev:'..id, 'MAXLEN', '~', ARGV[9])
            redis.call('HSET', job, 'step', ARGV[6], 'total', ARGV[7], 'eta', ARGV[8])
            return 1
            """;

    /**
     * ARGV: prefix, id, model, entry, state (completed|failed), event name, event JSON, now, keep TTL, transient TTL,
     * duration ms, meta or error JSON, then the PNGs. The first completion wins: a job no longer running (finished by
     * another attempt, cancelled) is only acknowledged. Returns 1 when this call finished the job.
     */
    static final String FINISH = LIB + """
            local id, model = ARGV[2], ARGV[3]
            local job = P..':job:'..id
            redis.call('XACK', P..':work:'..model, 'workers', ARGV[4])
            redis.call('XDEL', P..':work:'..model, ARGV[4])
            if redis.call('HGET', job, 'state') ~= 'running' then return 0 end
            local ttl = ttlOf(job, ARGV[9], ARGV[10])
            if ARGV[5] == 'completed' then
              local res = P..':res:'..id
              redis.call('HSET', res, 'meta', ARGV[12])
              for i = 13, #ARGV do redis.call('HSET', res, 'png:'..(i - 13), ARGV[i]) end
              redis.call('HSET', job, 'step', redis.call('HGET', job, 'total'))
            else
              redis.call('HSET', job, 'error', ARGV[12])
            end
            redis.call('HSET', job, 'state', ARGV[5], 'finished', ARGV[8])
            append(id, ARGV[6], ARGV[7])
            release(redis.call('HGET', job, 'client'))
            redis.call('DECR', P..':running')
            local m = tonumber(redis.call('HGET', P..':stats', 'mean') or '0')
            local d = tonumber(ARGV[11])
            if m <= 0 then m = d else m = 0.7 * m + 0.3 * d end
            redis.call('HSET', P..':stats', 'mean', m)
            expire(id, ttl)
            return 1
            """;

    /**
     * ARGV: prefix, id, reason, now, keep TTL, transient TTL. Cancels a queued job (leaves the queue) or a running one
     * (its worker sees it at its next event, within one step). Returns 1 when cancelled, 0 when already finished or
     * unknown.
     */
    static final String CANCEL = LIB + """
            local id = ARGV[2]
            local job = P..':job:'..id
            local st = redis.call('HGET', job, 'state')
            if st ~= 'queued' and st ~= 'running' then return 0 end
            if st == 'queued' then
              if redis.call('ZREM', P..':wait:'..redis.call('HGET', job, 'model'), id) == 1 then
                redis.call('DECR', P..':waiting')
              end
            else
              redis.call('DECR', P..':running')
            end
            release(redis.call('HGET', job, 'client'))
            local total = tonumber(redis.call('HGET', job, 'total') or '0')
            local step = tonumber(redis.call('HGET', job, 'step') or '0')
            local progress = 0
            if total > 0 then progress = step / total end
            redis.call('HSET', job, 'state', 'cancelled', 'finished', ARGV[4], 'cancelReason', ARGV[3])
            append(id, 'cancelled', cjson.encode({jobId = id, progress = progress, reason = ARGV[3]}))
            expire(id, ttlOf(job, ARGV[5], ARGV[6]))
            return 1
            """;

    /**
     * ARGV: prefix, id, model, entry, consumer, max attempts, now, keep TTL, transient TTL. A worker took over the
     * pending entry of a worker that stopped heart-beating: restarts the job as the next attempt (a {@code restarted}
     * event), or fails it after max attempts. Returns {attempt, request JSON, created}, {0} (nothing to run: the job
     * had finished) or {-1} (failed).
     */
    static final String RESTART = LIB + """
            local id, model = ARGV[2], ARGV[3]
            local job = P..':job:'..id
            local function ack()
              redis.call('XACK', P..':work:'..model, 'workers', ARGV[4])
              redis.call('XDEL', P..':work:'..model, ARGV[4])
            end
            if redis.call('HGET', job, 'state') ~= 'running' then ack() return {0} end
            local lost = redis.call('HGET', job, 'worker') or '?'
            local att = redis.call('HINCRBY', job, 'attempts', 1)
            local max = tonumber(ARGV[6])
            if att > max then
              local detail = 'the job was started ' .. max .. ' times and its worker stopped heart-beating each time '
                .. '(last: ' .. lost .. ')'
              local err = cjson.encode({jobId = id, type = 'urn:diffusion4j:problem:generation-failed',
                title = 'Generation failed', status = 500, detail = detail})
              redis.call('HSET', job, 'state', 'failed', 'finished', ARGV[7], 'error', err)
              append(id, 'failed', err)
              release(redis.call('HGET', job, 'client'))
              redis.call('DECR', P..':running')
              expire(id, ttlOf(job, ARGV[8], ARGV[9]))
              ack()
              return {-1}
            end
            redis.call('HSET', job, 'worker', ARGV[5], 'step', 0)
            append(id, 'restarted', cjson.encode({jobId = id, attempt = att, maxAttempts = max,
              reason = 'worker ' .. lost .. ' stopped heart-beating'}))
            return {att, redis.call('HGET', job, 'request'), redis.call('HGET', job, 'created')}
            """;

    /**
     * ARGV: prefix, id, model, entry, consumer, attempt. Resets the idle time of a running job's pending entry (the
     * heartbeat). Returns 0 when the job is no longer this attempt's: the worker stops it.
     */
    static final String HEARTBEAT = LIB + """
            local job = P..':job:'..ARGV[2]
            if redis.call('HGET', job, 'state') ~= 'running' or redis.call('HGET', job, 'attempts') ~= ARGV[6] then
              return 0
            end
            redis.call('XCLAIM', P..':work:'..ARGV[3], 'workers', ARGV[5], 0, ARGV[4], 'JUSTID')
            return 1
            """;
}
