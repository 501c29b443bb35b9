package io.fieldhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.configuration.service.InternalConfigurations;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerBucketsTest {

    @TempDir
    Path data;

    @Test
    void aNewFolderGetsFewBuckets() {
        BrokerBuckets.configure(data);

        assertThat(InternalConfigurations.PERSISTENCE_BUCKET_COUNT.get()).isEqualTo(BrokerBuckets.NEW_FOLDER);
        assertThat(InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.get())
                .isEqualTo(BrokerBuckets.NEW_FOLDER);
    }

    @Test
    void aFolderMadeWithHiveMqsDefaultKeepsItsSixtyFourBuckets() throws Exception {
        buckets("client_session_store", "040000", 64);
        buckets("publish_payload_store", "040500_R", 64);

        BrokerBuckets.configure(data);

        assertThat(InternalConfigurations.PERSISTENCE_BUCKET_COUNT.get()).isEqualTo(64);
        assertThat(InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.get())
                .isEqualTo(64);
    }

    private void buckets(String store, String version, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Files.createDirectories(data.resolve("persistence/" + store + "/" + version + "/" + store + "_" + i));
        }
    }
}
