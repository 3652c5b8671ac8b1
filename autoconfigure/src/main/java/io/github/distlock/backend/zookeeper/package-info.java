/**
 * The ZooKeeper backend, on Apache Curator: a queue of ephemeral sequential nodes per key in which the
 * lowest node holds the lock and every other node watches its predecessor, the fencing token being the
 * lock node's creation zxid, and loss reported from Curator's connection states.
 */
@NullMarked
package io.github.distlock.backend.zookeeper;

import org.jspecify.annotations.NullMarked;
