/**
 * Micrometer instrumentation of locks, attached to the generic layer as a
 * {@link io.github.distlock.core.LockListener}; backends know nothing of it.
 */
@NullMarked
package io.github.distlock.metrics;

import org.jspecify.annotations.NullMarked;
