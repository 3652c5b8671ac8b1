/**
 * Several application instances against one real server: Spring contexts in the test JVM
 * ({@link io.github.distlock.it.instances.Instances}), or separate JVMs that a test can
 * kill or pause ({@link io.github.distlock.it.instances.InstanceProcess}).
 */
package io.github.distlock.it.instances;
