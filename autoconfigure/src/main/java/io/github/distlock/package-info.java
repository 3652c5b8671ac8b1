/**
 * The public API of distlock: {@link io.github.distlock.DistributedLock},
 * {@link io.github.distlock.LockTemplate}, {@link io.github.distlock.LockOptions},
 * {@link io.github.distlock.Lease} and the exceptions and events they raise.
 */
@NullMarked
package io.github.distlock;

import org.jspecify.annotations.NullMarked;
