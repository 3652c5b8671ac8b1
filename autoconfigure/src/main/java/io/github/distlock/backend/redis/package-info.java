/**
 * The Redis backend: one Lua script per operation (acquire with a fencing counter, compare-and-renew,
 * compare-and-delete with a release notification), waiters woken over one shared pub/sub subscription,
 * keys hash-tagged so that the backend works on Redis Cluster. Speaks Redis through Lettuce.
 */
@NullMarked
package io.github.distlock.backend.redis;

import org.jspecify.annotations.NullMarked;
