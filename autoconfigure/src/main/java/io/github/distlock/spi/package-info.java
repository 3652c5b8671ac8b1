/**
 * The backend SPI: what a lock server integration implements. Nothing here knows Spring,
 * metrics, reentrancy, renewal scheduling or local queuing; those live once in
 * {@code io.github.distlock.core}.
 */
@NullMarked
package io.github.distlock.spi;

import org.jspecify.annotations.NullMarked;
