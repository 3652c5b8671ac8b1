/**
 * Actuator integration: the {@code distlock} health indicator and the {@code distlock}
 * endpoint listing the locks this instance holds.
 */
@NullMarked
package io.github.distlock.actuate;

import org.jspecify.annotations.NullMarked;
