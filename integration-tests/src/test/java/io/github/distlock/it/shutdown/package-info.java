/**
 * What the graceful-shutdown tests of every backend share.
 */
package io.github.distlock.it.shutdown;
