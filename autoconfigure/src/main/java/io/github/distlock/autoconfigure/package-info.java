/**
 * Spring Boot auto-configuration of distlock: properties, backend choice, one auto-configuration per
 * backend, the advisor, metrics and the failure analyzers that explain bad configuration.
 */
@NullMarked
package io.github.distlock.autoconfigure;

import org.jspecify.annotations.NullMarked;
