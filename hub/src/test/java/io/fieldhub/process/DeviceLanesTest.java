package io.fieldhub.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class DeviceLanesTest {

    @Test
    void devicesSpreadOverTheLanesAndEachDevicesMessagesStayInOrder() throws Exception {
        var lanes = new DeviceLanes(2, 50);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        var done = new CountDownLatch(2000);
        try (var camel = new DefaultCamelContext()) {
            for (int i = 0; i < 2000; i++) {
                var exchange = new DefaultExchange(camel);
                String device = "engine-" + i % 20;
                int seq = i / 20;
                exchange.getMessage().setHeader("deviceId", device);
                // what runs in the callback is what Camel runs next: the rest of the route
                lanes.process(exchange, doneSync -> {
                    threads.add(Thread.currentThread().getName());
                    seen.computeIfAbsent(device, d -> new CopyOnWriteArrayList<>())
                            .add(seq);
                    done.countDown();
                });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            lanes.stopLanes();
        }
        assertThat(threads).containsExactlyInAnyOrder("device-lane-0", "device-lane-1");
        assertThat(seen).hasSize(20);
        seen.values().forEach(values -> assertThat(values).hasSize(100).isSorted());
    }
}
