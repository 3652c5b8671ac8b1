/**
 * The generic layer above the backend SPI, written once for every backend.
 *
 * <ul>
 * <li>{@link io.github.distlock.core.DefaultLockTemplate}: the {@code LockTemplate} and
 * the entry point; the aspect uses its narrow {@link io.github.distlock.core.LockRunner}
 * side.</li>
 * <li>{@code KeyQueue}: the in-JVM fair queue per key and the thread a held lock encloses
 * (reentrancy).</li>
 * <li>{@code ManagedLock}: one acquisition's local validity deadline, renewal, loss
 * fan-out and release; {@code LockHold} is the {@code Lease} callers get for it.</li>
 * <li>{@code LockedCall}: the lost-lock policy around code run under a lock;
 * {@code StageHolds}: locks held across a {@code CompletionStage};
 * {@link io.github.distlock.core.DefaultReactiveLockTemplate} and {@code ReactiveHold}:
 * locks held across a Reactor {@code Mono} or {@code Flux}, one per subscription.</li>
 * <li>{@code LockScheduler}: the one shared scheduler;
 * {@link io.github.distlock.core.LockKeys}: key encoding;
 * {@link io.github.distlock.core.LockListener}: the hooks metrics and events attach
 * to.</li>
 * </ul>
 */
@NullMarked
package io.github.distlock.core;

import org.jspecify.annotations.NullMarked;
