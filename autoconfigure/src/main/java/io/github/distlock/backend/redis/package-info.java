/**
 * The Redis backend: one Lua script per operation (acquire with a fencing counter,
 * compare-and-renew, compare-and-delete with a release notification), waiters woken over
 * one shared pub/sub subscription, keys hash-tagged so that the backend works on Redis
 * Cluster.
 *
 * <p>
 * <b>Deliberate deviation: Lettuce directly, not Spring Data Redis's templates.</b> The
 * backend opens two connections of its own with the application's Spring Data Redis
 * settings (standalone, Sentinel, Cluster, credentials, TLS, client resources) instead of
 * going through {@code RedisConnectionFactory}: Spring stops the application's connection
 * factory before distlock's beans are destroyed, and locks still held then must be
 * released rather than left to their ttl; and a script call through a template costs a
 * serialization layer and a connection lookup per operation, where the lock path is one
 * {@code EVALSHA}.
 */
@NullMarked
package io.github.distlock.backend.redis;

import org.jspecify.annotations.NullMarked;
