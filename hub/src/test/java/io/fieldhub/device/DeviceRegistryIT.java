package io.fieldhub.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.routes.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The registry in a real PostgreSQL: bulk import with its rejected lines, filters and pages, and retirement. */
class DeviceRegistryIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    final List<Object> events = new CopyOnWriteArrayList<>();
    final JdbcClient jdbc = JdbcClient.create(db.dataSource());
    final DeviceRegistry registry = new DeviceRegistry(jdbc, new ObjectMapper(), events::add);
    final DeviceImport importer = new DeviceImport(jdbc, registry, new ObjectMapper());

    @Test
    void aCsvImportRegistersTheGoodLinesAndReportsEachBadOneWithItsLineAndReason() throws Exception {
        registry.create(new DeviceSpec("engine-1", null, null, null, true), "alice", null);
        String csv = """
                id,type,site,enabled,tags.line
                engine-1,engine,plant-1,,2
                engine-2,engine,plant-1,,2
                not a valid id,engine,plant-1,,
                engine-3,,plant-2,false,3
                engine-2,engine,plant-1,,
                engine-4,engine,plant-1,maybe,
                """;

        DeviceImport.Result result = importer.csv(stream(csv), "alice");

        assertThat(result.imported()).isEqualTo(2);
        assertThat(result.rejected()).extracting(DeviceImport.Rejected::line).containsExactly(2, 4, 6, 7);
        assertThat(result.rejected().get(0).reason()).contains("already registered");
        assertThat(result.rejected().get(1).reason()).contains("not valid");
        assertThat(result.rejected().get(2).reason()).contains("appears earlier");
        assertThat(result.rejected().get(3).reason()).contains("enabled must be true or false");
        Device three = registry.find("engine-3").orElseThrow();
        assertThat(three.type()).as("type from the id").isEqualTo("engine");
        assertThat(three.enabled()).isFalse();
        assertThat(three.tags()).containsExactly(Map.entry("line", "3"));
        assertThat(three.updatedBy()).isEqualTo("alice");
    }

    @Test
    void viaNamesTheGatewaysThatMaySpeakForADeviceAndAPutReplacesIt() throws Exception {
        String csv = """
                id,via
                engine-1,gw-1 gw-2
                engine-2,
                engine-3,engine-3
                engine-4,gw-2
                """;

        DeviceImport.Result result = importer.csv(stream(csv), "alice");

        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(4);
            assertThat(r.reason()).contains("cannot be its own gateway");
        });
        assertThat(registry.find("engine-1").orElseThrow().via()).containsExactly("gw-1", "gw-2");
        assertThat(registry.find("engine-2").orElseThrow().via()).isEmpty();
        registry.update(new DeviceSpec("engine-4", null, null, null, false, List.of("gw-1")), "alice");
        assertThat(registry.find("engine-4").orElseThrow().via()).containsExactly("gw-1");

        Map<String, String> refused =
                registry.refusedVia("gw-1", List.of("engine-1", "engine-2", "engine-4", "engine-9", "gw-1"));

        assertThat(refused)
                .as("only engine-1 names gw-1; the gateway speaks for itself once it is registered")
                .containsOnlyKeys("engine-2", "engine-4", "engine-9", "gw-1");
        assertThat(refused.get("engine-2")).contains("does not name gateway gw-1", "via");
        assertThat(refused.get("engine-4")).contains("disabled");
        assertThat(refused.get("engine-9")).contains("not registered");
        registry.create(new DeviceSpec("gw-1", null, null, null, true), "alice", null);
        assertThat(registry.refusedVia("gw-1", List.of("gw-1"))).isEmpty();
    }

    @Test
    void aJsonImportReportsEntriesByPosition() throws Exception {
        String json = """
                [{"id":"meter-1","type":"meter","tags":{"zone":"a"}},
                 {"id":"meter 2"},
                 {"id":"meter-3","site":"plant-9"}]
                """;

        DeviceImport.Result result = importer.json(stream(json), "bob");

        assertThat(result.imported()).isEqualTo(2);
        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.id()).isEqualTo("meter 2");
        });
        assertThat(registry.find("meter-1").orElseThrow().tags()).containsEntry("zone", "a");
    }

    @Test
    void theListFiltersByTypeSiteTagEnabledAndLastSeenAndPagesInIdOrder() {
        for (int i = 1; i <= 5; i++) {
            registry.create(
                    new DeviceSpec(
                            "engine-" + i,
                            null,
                            i <= 3 ? "plant-1" : "plant-2",
                            Map.of("line", String.valueOf(i % 2)),
                            i != 5),
                    "t",
                    null);
        }
        registry.create(new DeviceSpec("meter-1", null, "plant-1", null, true), "t", null);
        registry.seen(Map.of("engine-1", Instant.parse("2026-12-01T10:00:00Z")));

        assertThat(ids(filter("engine", null, null, null, null, null, null, 100)))
                .containsExactly("engine-1", "engine-2", "engine-3", "engine-4", "engine-5");
        assertThat(ids(filter(null, "plant-2", null, null, null, null, null, 100)))
                .containsExactly("engine-4", "engine-5");
        assertThat(ids(filter(null, null, "{\"line\":\"1\"}", null, null, null, null, 100)))
                .containsExactly("engine-1", "engine-3", "engine-5");
        assertThat(ids(filter(null, null, null, false, null, null, null, 100))).containsExactly("engine-5");
        Timestamp since = Timestamp.from(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(ids(filter(null, null, null, null, since, null, null, 100))).containsExactly("engine-1");
        assertThat(ids(filter(null, null, null, null, null, since, null, 100)))
                .doesNotContain("engine-1")
                .hasSize(5);
        assertThat(ids(filter(null, null, null, null, null, null, null, 2))).containsExactly("engine-1", "engine-2");
        assertThat(ids(filter(null, null, null, null, null, null, "engine-2", 2)))
                .containsExactly("engine-3", "engine-4");
    }

    @Test
    void disablingOrDeletingADeviceTakesItOffTheAirWithTheReason() {
        registry.create(new DeviceSpec("engine-1", null, null, null, true), "t", null);
        registry.create(new DeviceSpec("engine-2", null, null, null, true), "t", null);

        registry.update(new DeviceSpec("engine-1", "engine", null, null, false), "alice");
        registry.delete("engine-2", "bob");
        registry.update(new DeviceSpec("engine-3", "engine", null, null, false), "alice");

        assertThat(events)
                .containsExactly(
                        new DeviceChanged("engine-1", false, "disabled by alice"),
                        new DeviceChanged("engine-2", false, "deleted by bob"));
        assertThat(registry.find("engine-1").orElseThrow().enabled()).isFalse();
        assertThat(registry.find("engine-2")).isEmpty();
    }

    private List<Device> filter(
            String type,
            String site,
            String tags,
            Boolean enabled,
            Timestamp seenSince,
            Timestamp notSeenSince,
            String after,
            int limit) {
        return registry.list(new DeviceFilter(type, site, tags, enabled, seenSince, notSeenSince, after, limit));
    }

    private static List<String> ids(List<Device> devices) {
        return devices.stream().map(Device::id).toList();
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
