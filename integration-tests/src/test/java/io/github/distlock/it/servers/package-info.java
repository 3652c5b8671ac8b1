/**
 * Real Redis, etcd (3.5 and 3.4), Consul and ZooKeeper servers for the integration tests,
 * with fault injection.
 *
 * <p>
 * Entry points:
 * <ul>
 * <li>{@link io.github.distlock.it.servers.RealServersExtension}: parameters of type
 * {@link io.github.distlock.it.servers.RedisServer},
 * {@link io.github.distlock.it.servers.EtcdServer},
 * {@link io.github.distlock.it.servers.ConsulServer},
 * {@link io.github.distlock.it.servers.ZooKeeperServer}; shared per JVM run, or
 * {@link io.github.distlock.it.servers.Dedicated}; etcd version by
 * {@link io.github.distlock.it.servers.EtcdVersion}.</li>
 * <li>{@link io.github.distlock.it.servers.Servers}: programmatic, caller-owned
 * servers.</li>
 * <li>{@link io.github.distlock.it.servers.RealServer}: {@code pause()} (SIGSTOP),
 * {@code resume()} (SIGCONT), {@code kill()} (SIGKILL), {@code restart()} (same port,
 * data kept where the server has durable data).</li>
 * <li>{@link io.github.distlock.it.servers.TcpProxy}: stall or sever the connections of
 * the clients that go through it.</li>
 * <li>Clusters as users run them, each with {@code leader()} (or {@code masterOf(key)})
 * to find the member to kill: {@link io.github.distlock.it.servers.RedisCluster} (3
 * masters + 3 replicas), {@link io.github.distlock.it.servers.EtcdCluster} (3 members),
 * {@link io.github.distlock.it.servers.ZooKeeperEnsemble} (3 servers, in-process),
 * {@link io.github.distlock.it.servers.ConsulCluster} (3 servers and a client
 * agent).</li>
 * </ul>
 *
 * <p>
 * The binaries come from {@code integration-tests/servers/install.sh}; ZooKeeper runs
 * in-process. Logs and data: {@code integration-tests/target/servers/}.
 */
package io.github.distlock.it.servers;
