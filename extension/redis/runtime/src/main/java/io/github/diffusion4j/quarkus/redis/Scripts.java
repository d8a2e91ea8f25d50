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

    /**
     * Common helpers: append an event (returns its number; the caller publishes), publish that jobs got an event
     * (one message for several jobs: {@code "ID1,ID2 NAME"}), release a client's slot, expire a finished job, and send
     * the new queue positions of a model's waiting jobs from a rank on (the first {@code LIVE} ranks only, so that
     * a take costs a bounded number of writes however long the queue is).
     */
    private static final String LIB = """
            local P = ARGV[1]
            local function append(id, name, json)
              local eid = redis.call('XADD', P..':ev:'..id, '0-*', 't', name, 'd', json)
              local n = string.match(eid, '-(%d+)$')
              redis.call('HSET', P..':job:'..id, 'lastEvent', n)
              return n
            end
            local function publish(ids, name)
              redis.call('PUBLISH', P..':events', ids .. ' ' .. name)
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
            local function positions(model, from, live, history)
              if from >= live then return end
              local ids = redis.call('ZRANGE', P..':wait:'..model, from, live - 1)
              if #ids == 0 then return end
              for i, jid in ipairs(ids) do
                append(jid, 'queued', cjson.encode({jobId = jid, model = model, position = from + i}))
                redis.call('XTRIM', P..':ev:'..jid, 'MAXLEN', '~', history)
              end
              publish(table.concat(ids, ','), 'queued')
            end
            """;

    /**
     * ARGV: prefix, id, model, client, request JSON, now, keep (1/0), capacity, per-client cap, live positions,
     * history size, submitting node (its worker's consumer name: it looks for work itself, the others learn of it from
     * {@code P:submitted}). Returns {position, mean job ms}, {-1, mean} (queue full) or {-2, mean} (client cap). The
     * round-robin score: a client's next job goes one round after its previous waiting job, and never before the round
     * being served, so clients alternate; in a round, a client that had nothing waiting goes first (as the memory
     * backend's rotation does), which moves the jobs behind it one place back: they get a {@code queued} event.
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
            publish(id, 'queued')
            positions(model, pos, tonumber(ARGV[10]), ARGV[11])
            redis.call('PUBLISH', P..':submitted', model .. ' ' .. ARGV[12])
            return {pos, mean}
            """;

    /**
     * ARGV: prefix, model, consumer, now, count, live positions, history size. Takes up to count waiting jobs of the
     * model (round-robin order) and hands them to this consumer through the work stream's consumer group: a pending
     * entry is the at-least-once record of a running job. The jobs still waiting move up: new positions. Returns
     * {id, entry id, request JSON, created} per job taken, flat (empty when nothing waits).
     */
    static final String TAKE = LIB + """
            local model, consumer = ARGV[2], ARGV[3]
            local popped = redis.call('ZPOPMIN', P..':wait:'..model, tonumber(ARGV[5]))
            if #popped == 0 then return {} end
            local work = P..':work:'..model
            local out = {}
            for i = 1, #popped, 2 do
              local id = popped[i]
              redis.call('SET', P..':round', math.floor(tonumber(popped[i + 1]) / 1000000000))
              redis.call('DECR', P..':waiting')
              redis.call('INCR', P..':running')
              local job = P..':job:'..id
              redis.call('HSET', job, 'state', 'running', 'started', ARGV[4], 'worker', consumer, 'attempts', 1)
              redis.call('XADD', work, '*', 'job', id)
              local got = redis.call('XREADGROUP', 'GROUP', 'workers', consumer, 'COUNT', 1, 'STREAMS', work, '>')
              out[#out + 1] = id
              out[#out + 1] = got[1][2][1][1]
              out[#out + 1] = redis.call('HGET', job, 'request')
              out[#out + 1] = redis.call('HGET', job, 'created')
            end
            positions(model, 0, tonumber(ARGV[6]), ARGV[7])
            return out
            """;

    /**
     * Appends the events ARGV[from], ARGV[from + 1] (name, JSON) ... ARGV[from + 2 n - 1] of job {@code id} and
     * trims its stream to about the history size; returns the last event's name.
     */
    private static final String APPEND_ALL = """
            local function appendAll(id, from, n, history)
              local last = nil
              for i = 0, n - 1 do
                append(id, ARGV[from + 2 * i], ARGV[from + 2 * i + 1])
                last = ARGV[from + 2 * i]
              end
              if n > 0 then redis.call('XTRIM', P..':ev:'..id, 'MAXLEN', '~', history) end
              return last
            end
            """;

    /**
     * ARGV: prefix, id, attempt, step, total, eta, history size, n, then n pairs of event name and JSON. Appends the
     * events of a running attempt (a worker sends the events that came while its previous write was under way in one
     * call). Returns 0 when the job is no longer this attempt's (cancelled, finished, restarted elsewhere): the worker
     * stops.
     */
    static final String APPEND = LIB + APPEND_ALL + """
            local id = ARGV[2]
            local job = P..':job:'..id
            if redis.call('HGET', job, 'state') ~= 'running' or redis.call('HGET', job, 'attempts') ~= ARGV[3] then
              return 0
            end
            local last = appendAll(id, 9, tonumber(ARGV[8]), ARGV[7])
            redis.call('HSET', job, 'step', ARGV[4], 'total', ARGV[5], 'eta', ARGV[6])
            if last then publish(id, last) end
            return 1
            """;

    /**
     * ARGV: prefix, id, model, entry, state (completed|failed), event name, event JSON, now, keep TTL, transient TTL,
     * duration ms, meta or error JSON, attempt, history size, n, n pairs of event name and JSON (the attempt's events
     * not written yet, appended first when the job is still this attempt's), then the PNGs. The first completion wins:
     * a job no longer running (finished by another attempt, cancelled) is only acknowledged. Returns 1 when this call
     * finished the job.
     */
    static final String FINISH = LIB + APPEND_ALL + """
            local id, model = ARGV[2], ARGV[3]
            local job = P..':job:'..id
            redis.call('XACK', P..':work:'..model, 'workers', ARGV[4])
            redis.call('XDEL', P..':work:'..model, ARGV[4])
            if redis.call('HGET', job, 'state') ~= 'running' then return 0 end
            local n = tonumber(ARGV[15])
            local pngs = 16 + 2 * n
            if redis.call('HGET', job, 'attempts') == ARGV[13] then appendAll(id, 16, n, ARGV[14]) end
            local ttl = ttlOf(job, ARGV[9], ARGV[10])
            if ARGV[5] == 'completed' then
              local res = P..':res:'..id
              redis.call('HSET', res, 'meta', ARGV[12])
              for i = pngs, #ARGV do redis.call('HSET', res, 'png:'..(i - pngs), ARGV[i]) end
              redis.call('HSET', job, 'step', redis.call('HGET', job, 'total'))
            else
              redis.call('HSET', job, 'error', ARGV[12])
            end
            redis.call('HSET', job, 'state', ARGV[5], 'finished', ARGV[8])
            append(id, ARGV[6], ARGV[7])
            publish(id, ARGV[6])
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
     * ARGV: prefix, id, reason, now, keep TTL, transient TTL, live positions, history size. Cancels a queued job
     * (leaves the queue; the jobs behind it move up) or a running one (its worker sees it at its next event, within
     * one step). Returns 1 when cancelled, 0 when already finished or unknown.
     */
    static final String CANCEL = LIB + """
            local id = ARGV[2]
            local job = P..':job:'..id
            local st = redis.call('HGET', job, 'state')
            if st ~= 'queued' and st ~= 'running' then return 0 end
            local moved = nil
            local model = redis.call('HGET', job, 'model')
            if st == 'queued' then
              local rank = redis.call('ZRANK', P..':wait:'..model, id)
              if rank and redis.call('ZREM', P..':wait:'..model, id) == 1 then
                redis.call('DECR', P..':waiting')
                moved = rank
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
            publish(id, 'cancelled')
            expire(id, ttlOf(job, ARGV[5], ARGV[6]))
            if moved then positions(model, moved, tonumber(ARGV[7]), ARGV[8]) end
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
              publish(id, 'failed')
              release(redis.call('HGET', job, 'client'))
              redis.call('DECR', P..':running')
              expire(id, ttlOf(job, ARGV[8], ARGV[9]))
              ack()
              return {-1}
            end
            redis.call('HSET', job, 'worker', ARGV[5], 'step', 0)
            append(id, 'restarted', cjson.encode({jobId = id, attempt = att, maxAttempts = max,
              reason = 'worker ' .. lost .. ' stopped heart-beating'}))
            publish(id, 'restarted')
            return {att, redis.call('HGET', job, 'request'), redis.call('HGET', job, 'created')}
            """;

    /**
     * ARGV: prefix, consumer, then per running job its id, model, entry and attempt. Resets the idle time of the
     * running jobs' pending entries (the heartbeat), in one call for all of a worker's jobs. Returns per job 1, or 0
     * when the job is no longer this attempt's: the worker stops it.
     */
    static final String HEARTBEAT = LIB + """
            local out = {}
            for i = 3, #ARGV, 4 do
              local job = P..':job:'..ARGV[i]
              if redis.call('HGET', job, 'state') ~= 'running' or redis.call('HGET', job, 'attempts') ~= ARGV[i + 3] then
                out[#out + 1] = 0
              else
                redis.call('XCLAIM', P..':work:'..ARGV[i + 1], 'workers', ARGV[2], 0, ARGV[i + 2], 'JUSTID')
                out[#out + 1] = 1
              end
            end
            return out
            """;

    /**
     * ARGV: prefix, id, model, entry. A worker stopped a job that Redis says is no longer its attempt's: the pending
     * entry is dropped when the job has ended (cancelled, finished by another attempt); a job restarted elsewhere
     * keeps it (it is the other worker's now).
     */
    static final String RELEASE_ENTRY = LIB + """
            if redis.call('HGET', P..':job:'..ARGV[2], 'state') ~= 'running' then
              redis.call('XACK', P..':work:'..ARGV[3], 'workers', ARGV[4])
              redis.call('XDEL', P..':work:'..ARGV[3], ARGV[4])
            end
            return 1
            """;

    /**
     * ARGV: prefix, id. A job's state and, once it completed, its result, in one call: {0} for an unknown or expired
     * job, {1} while it waits or runs, {2, job hash, result hash} once it ended (flat field/value arrays). A job whose
     * only reader is its synchronous caller (not kept) is deleted here: nobody can ask for it again.
     */
    static final String FINISHED = LIB + """
            local job = P..':job:'..ARGV[2]
            local fields = redis.call('HGETALL', job)
            if #fields == 0 then return {0} end
            local st = redis.call('HGET', job, 'state')
            if st == 'queued' or st == 'running' then return {1} end
            local res = redis.call('HGETALL', P..':res:'..ARGV[2])
            if redis.call('HGET', job, 'keep') ~= '1' then
              redis.call('DEL', job, P..':ev:'..ARGV[2], P..':res:'..ARGV[2])
            end
            return {2, fields, res}
            """;

    /**
     * ARGV: prefix, id. A job as {@code GET /jobs/{id}} shows it, in one call: {job hash (flat), 1-based position (0
     * when not waiting), mean job ms}; an empty hash for an unknown job.
     */
    static final String FIND = LIB + """
            local job = P..':job:'..ARGV[2]
            local fields = redis.call('HGETALL', job)
            if #fields == 0 then return {fields, 0, 0} end
            local pos = 0
            if redis.call('HGET', job, 'state') == 'queued' then
              local rank = redis.call('ZRANK', P..':wait:'..redis.call('HGET', job, 'model'), ARGV[2])
              if rank then pos = rank + 1 end
            end
            local mean = math.floor(tonumber(redis.call('HGET', P..':stats', 'mean') or '5000'))
            return {fields, pos, mean}
            """;

    /**
     * ARGV: prefix, id, after (event number), count. A follower's read of a job's events: {entries of
     * {@code XRANGE (0-after + COUNT count}, the result hash (flat) when a {@code completed} event is among them, else
     * empty}: the completed event and its images in one round trip.
     */
    static final String READ = LIB + """
            local entries = redis.call('XRANGE', P..':ev:'..ARGV[2], '(0-'..ARGV[3], '+', 'COUNT', tonumber(ARGV[4]))
            local res = {}
            for _, e in ipairs(entries) do
              if e[2][1] == 't' and e[2][2] == 'completed' then
                res = redis.call('HGETALL', P..':res:'..ARGV[2])
                break
              end
            end
            return {entries, res}
            """;
}
