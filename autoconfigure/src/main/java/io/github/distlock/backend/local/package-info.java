/**
 * The in-JVM backend, for tests, demos and single-instance applications. It is not
 * distributed.
 */
@NullMarked
package io.github.distlock.backend.local;

import org.jspecify.annotations.NullMarked;
