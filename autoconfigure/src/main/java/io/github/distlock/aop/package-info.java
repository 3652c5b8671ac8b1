/**
 * The {@link io.github.distlock.DistributedLock} advisor, its interceptor and the SpEL
 * key resolution.
 */
@NullMarked
package io.github.distlock.aop;

import org.jspecify.annotations.NullMarked;
