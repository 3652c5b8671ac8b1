package io.github.distlock.it.servers;

/** The etcd server checks against etcd 3.4 (Debian bookworm's build). */
@EtcdVersion("3.4")
class Etcd34ServerIT extends AbstractEtcdServerIT {

	@Override
	String expectedVersion() {
		return "3.4.";
	}

}
