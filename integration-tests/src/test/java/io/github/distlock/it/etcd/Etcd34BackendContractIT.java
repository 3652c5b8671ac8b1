package io.github.distlock.it.etcd;

import io.github.distlock.it.servers.EtcdVersion;

/**
 * The backend contract on etcd 3.4, whose v3 Lock service could grant to expired leases
 * (etcd #11456).
 */
@EtcdVersion("3.4")
class Etcd34BackendContractIT extends EtcdBackendContractIT {

}
