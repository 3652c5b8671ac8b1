package io.github.distlock.it.servers;

/** The etcd server checks against etcd 3.5 (Debian trixie's build). */
@EtcdVersion("3.5")
class Etcd35ServerIT extends AbstractEtcdServerIT {

	@Override
	String expectedVersion() {
		return "3.5.";
	}

}
