/**
 * Spring Boot auto-configuration of distlock: properties, backend choice, one
 * auto-configuration per backend, the advisor, metrics and the failure analyzers that
 * explain bad configuration.
 *
 * <h2>Shape, and where it deliberately differs from Spring Boot's own</h2>
 * <ul>
 * <li><b>Backend candidates.</b> Each backend's auto-configuration holds conditions and
 * one bean method, and that bean is a {@link LockBackendCandidate}: a package-private
 * top-level {@code
 * XxxBackendCandidate} class, the same shape for every backend (local included). Boot
 * would instead let conditions pick one backend bean. We don't, because the choice needs
 * to see every backend at once: with {@code distlock.backend} unset, startup must fail
 * when no backend or several have a connection, and name them all. Creating a backend
 * also connects to its server, so only the chosen candidate's {@code create()} may run.
 * {@link DistlockAutoConfiguration} chooses.</li>
 * <li><b>Startup failures.</b> A candidate throws a typed subclass of
 * {@link BackendSelectionException}, one per backend plus {@link BackendChoiceException}
 * for the choice itself. Each one carries a {@code Problem} and the facts behind it, plus
 * a message saying what is wrong. The words saying what to write instead (YAML, pom, ACL)
 * are all in {@code
 * BackendSelectionFailureAnalyzer}, the only place to edit them. {@code getAction()} on
 * the exception hands back that analyzer's text for callers that inspect the
 * exception.</li>
 * <li><b>Validation, one place per invariant.</b> A single property value
 * ({@code distlock.*} durations and counts, key prefixes, paths) is checked in its
 * properties class's setter, so a bad value fails while binding and
 * {@code InvalidPropertyFailureAnalyzer} can name the property and where it was set.
 * Where a backend owns the rule (Redis key prefix, ZooKeeper base path, Consul settings
 * and ttl range), the setter or candidate calls the backend's check instead of repeating
 * it. Rules that tie several properties together, or a property to the classpath and
 * beans (user and password together, client certificate and key together, Consul's ttl
 * range for {@code
 * distlock.default-ttl}), are checked once, in the candidate. That is the only code that
 * needs them, and it only runs for the chosen backend.</li>
 * <li><b>The Consul client</b> is built in {@code ConsulLockAutoConfiguration.consulApi},
 * one method, so changes to how distlock talks HTTP to Consul stay out of the
 * candidate.</li>
 * </ul>
 */
@NullMarked
package io.github.distlock.autoconfigure;

import org.jspecify.annotations.NullMarked;
