/**
 * The generic layer above the backend SPI, written once for every backend: key encoding, the in-JVM
 * fair queue per key, reentrancy, the local validity deadline, renewal scheduling, loss handling and the
 * listener hooks that metrics and events attach to.
 */
@NullMarked
package io.github.distlock.core;

import org.jspecify.annotations.NullMarked;
