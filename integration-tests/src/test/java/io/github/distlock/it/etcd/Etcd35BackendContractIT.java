package io.github.distlock.it.etcd;

import io.github.distlock.it.servers.EtcdVersion;

/** The backend contract on etcd 3.5. */
@EtcdVersion("3.5")
class Etcd35BackendContractIT extends EtcdBackendContractIT {

}
