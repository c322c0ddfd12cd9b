/**
 * Lua for the shared shape list (see `ShapeRegistry`): element 1 is the generation, the others
 * are shapes. `pcall` keeps a key of another type from failing the command (and so from counting
 * against the breaker): the list is then unusable and the scripts return an empty array.
 */

/** KEYS[1] the list; ARGV[1] a generation for a new list. Returns the whole list. */
export const LOAD_SHAPES = `
local length = redis.pcall('LLEN', KEYS[1])
if type(length) ~= 'number' then return {} end
if length == 0 then redis.call('RPUSH', KEYS[1], ARGV[1]) end
return redis.call('LRANGE', KEYS[1], 0, -1)`

/**
 * KEYS[1] the list; ARGV[1] the generation, ARGV[2] the shape count the caller knows, ARGV[3] the
 * limit, ARGV[4..] new shapes. Appends only onto exactly what the caller knows, so two instances
 * can never give one position two shapes. Returns the whole list.
 */
export const APPEND_SHAPES = `
local length = redis.pcall('LLEN', KEYS[1])
if type(length) ~= 'number' or length == 0 then return {} end
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] and length - 1 == tonumber(ARGV[2])
    and length - 1 + #ARGV - 3 <= tonumber(ARGV[3]) then
  redis.call('RPUSH', KEYS[1], unpack(ARGV, 4))
end
return redis.call('LRANGE', KEYS[1], 0, -1)`
