/**
 * The Consul backend on the generic session layer: one session per ttl (renewed
 * asynchronously at half its ttl, optionally bound to health checks, with a lock-delay),
 * locks taken with a {@code lock} transaction on a KV key, waiting with blocking queries
 * on that key, and loss noticed through an asynchronous blocking query on each session
 * and through renewals answered 404.
 */
@NullMarked
package io.github.distlock.backend.consul;

import org.jspecify.annotations.NullMarked;
