package io.github.distlock.it.servers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The etcd server checks against etcd 3.4 (Debian bookworm's build). */
@EtcdVersion("3.4")
class Etcd34ServerIT extends AbstractEtcdServerIT {

    @Override
    ServerKind expectedKind() {
        return ServerKind.ETCD_3_4;
    }

    @Test
    void parameterAnnotationOverridesTheClassVersion(@EtcdVersion("3.5") EtcdServer etcd35, EtcdServer etcd34) {
        assertThat(etcd35.kind()).isEqualTo(ServerKind.ETCD_3_5);
        assertThat(etcd34.kind()).isEqualTo(ServerKind.ETCD_3_4);
        assertThat(etcd35.port()).isNotEqualTo(etcd34.port());
    }
}
