/**
 * The etcd backend: the revision-ordered queue of etcd's own mutex over leases shared per
 * ttl and kept alive by the generic session layer ({@code core.SharedSessions}), with the
 * holder key's create revision as fencing token.
 */
@NullMarked
package io.github.distlock.backend.etcd;

import org.jspecify.annotations.NullMarked;
