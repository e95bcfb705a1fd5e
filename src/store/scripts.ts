/**
 * Lua scripts behind every store write. Each one checks its precondition, bumps the cluster-wide resourceVersion
 * and appends the change to the change stream in one atomic step, so the stream holds exactly one entry per
 * resourceVersion (entry id `<rv>-0`) and a watcher can tell a gap from a quiet period.
 *
 * Objects live in hashes `{ rv, obj }`: the resourceVersion is kept beside the JSON rather than inside it, so the
 * scripts never decode or re-encode a user's object.
 *
 * A script that refuses a write replies with the error `CAPSTAN <refusal>` (a Redis error's first word is its
 * code, as in `WRONGTYPE ...`); `scriptRefusal` reads it back, so no caller matches words inside error messages.
 */
import { ReplyError } from 'ioredis';

/** Why a write script refused: the closed set of codes its `CAPSTAN <code>` error replies carry. */
export type ScriptRefusal = 'ALREADY_EXISTS' | 'NOT_FOUND' | 'CONFLICT' | 'NAMESPACE_MISSING' | 'NAMESPACE_TERMINATING';

const REFUSALS: ReadonlySet<string> = new Set<ScriptRefusal>([
  'ALREADY_EXISTS',
  'NOT_FOUND',
  'CONFLICT',
  'NAMESPACE_MISSING',
  'NAMESPACE_TERMINATING',
]);

/** The refusal a script's error reply carries, or undefined for any other error (connection, Redis itself). */
export function scriptRefusal(err: unknown): ScriptRefusal | undefined {
  if (!(err instanceof ReplyError)) return undefined;
  const [prefix, code] = (err as Error).message.split(' ', 2);
  return prefix === 'CAPSTAN' && code !== undefined && REFUSALS.has(code) ? (code as ScriptRefusal) : undefined;
}

/**
 * KEYS: object, index, rv counter, stream, namespace object (or the object key itself when not namespaced)
 * ARGV: json, index member, kind, stream max length, check namespace ('1'|'0')
 * Returns the new resourceVersion, or the refusal ALREADY_EXISTS / NAMESPACE_MISSING / NAMESPACE_TERMINATING.
 */
export const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return { err = 'CAPSTAN ALREADY_EXISTS' } end
if ARGV[5] == '1' then
  local ns = redis.call('HGET', KEYS[5], 'obj')
  if not ns then return { err = 'CAPSTAN NAMESPACE_MISSING' } end
  if redis.call('HGET', KEYS[5], 'terminating') == '1' then return { err = 'CAPSTAN NAMESPACE_TERMINATING' } end
end
local rv = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], 'rv', rv, 'obj', ARGV[1])
redis.call('ZADD', KEYS[2], 0, ARGV[2])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], rv .. '-0', 't', 'ADDED', 'k', ARGV[3], 'm', ARGV[2], 'o', ARGV[1])
return rv
`;

/**
 * KEYS: object, index, rv counter, stream
 * ARGV: expected rv, json, index member, kind, stream max length, previous match view (json), remove ('1'|'0'),
 *       terminating flag ('1'|'0')
 * With remove = '1' the object is deleted and a DELETED entry carrying ARGV[2] (its last state) is appended.
 * Returns the new resourceVersion, or the refusal NOT_FOUND / CONFLICT.
 */
export const UPDATE_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], 'rv')
if not cur then return { err = 'CAPSTAN NOT_FOUND' } end
if cur ~= ARGV[1] then return { err = 'CAPSTAN CONFLICT' } end
local rv = redis.call('INCR', KEYS[3])
if ARGV[7] == '1' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], rv .. '-0', 't', 'DELETED', 'k', ARGV[4], 'm', ARGV[3], 'o', ARGV[2], 'p', ARGV[6])
else
  redis.call('HSET', KEYS[1], 'rv', rv, 'obj', ARGV[2], 'terminating', ARGV[8])
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], rv .. '-0', 't', 'MODIFIED', 'k', ARGV[4], 'm', ARGV[3], 'o', ARGV[2], 'p', ARGV[6])
end
return rv
`;

/**
 * A consistent page of one kind: the current resourceVersion and up to ARGV[3] objects from the lexical range.
 * KEYS: index, rv counter. ARGV: min, max, count, object key prefix.
 * Returns { rv, scanned count, last scanned member, member1, rv1, json1, member2, ... }; members whose object
 * vanished between the index and the hash are counted as scanned but not returned.
 */
export const LIST_SCRIPT = `
local members = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local out = { redis.call('GET', KEYS[2]) or '0', #members, members[#members] or '' }
for _, m in ipairs(members) do
  local v = redis.call('HMGET', ARGV[4] .. m, 'rv', 'obj')
  if v[1] then
    out[#out + 1] = m
    out[#out + 1] = v[1]
    out[#out + 1] = v[2]
  end
end
return out
`;

/**
 * Many deletes of one kind in one step, each a compare-and-set as UPDATE_SCRIPT's: an object no longer at its
 * expected resourceVersion (or gone) is skipped and counted, for the caller to look at again.
 * KEYS: index, rv counter, stream.
 * ARGV: kind, stream max length, then per object: object key, expected rv, json, index member, previous match
 *       view, remove ('1': delete it; '0': write the marked object, e.g. a pod in its grace period).
 * Returns { written, skipped }.
 */
export const DELETE_BATCH_SCRIPT = `
local written, skipped = 0, 0
for i = 3, #ARGV, 6 do
  local cur = redis.call('HGET', ARGV[i], 'rv')
  if cur ~= ARGV[i + 1] then
    skipped = skipped + 1
  else
    local rv = redis.call('INCR', KEYS[2])
    if ARGV[i + 5] == '1' then
      redis.call('DEL', ARGV[i])
      redis.call('ZREM', KEYS[1], ARGV[i + 3])
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], rv .. '-0', 't', 'DELETED', 'k', ARGV[1], 'm', ARGV[i + 3], 'o', ARGV[i + 2], 'p', ARGV[i + 4])
    else
      redis.call('HSET', ARGV[i], 'rv', rv, 'obj', ARGV[i + 2], 'terminating', '1')
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], rv .. '-0', 't', 'MODIFIED', 'k', ARGV[1], 'm', ARGV[i + 3], 'o', ARGV[i + 2], 'p', ARGV[i + 4])
    end
    written = written + 1
  end
end
return { written, skipped }
`;
