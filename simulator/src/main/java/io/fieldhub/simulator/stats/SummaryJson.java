package io.fieldhub.simulator.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/** The summary as JSON, for the benchmark harness. Field names are its contract; add, do not rename. */
public final class SummaryJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {}

    public static String format(Summary s) {
        Latency l = s.latency();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("runId", s.runId());
        json.put("url", s.url());
        json.put("devices", s.devices());
        json.put("connections", s.connections());
        json.put("format", s.format());
        json.put("qos", s.qos());
        json.put("targetRate", s.targetRate());
        json.put("sent", s.sent());
        json.put("acked", s.acked());
        json.put("errors", s.errors());
        json.put("errorsByReason", s.errorsByReason());
        json.put("unacknowledged", s.unacknowledged());
        json.put("givenUp", s.givenUp());
        json.put("reconnects", s.reconnects());
        json.put("resends", s.resends());
        json.put("hot", s.hot());
        json.put("startedAt", s.startedAt());
        json.put("endedAt", s.endedAt());
        json.put("elapsedSeconds", s.elapsedSeconds());
        json.put("ackedRate", s.ackedRate());
        json.put("connectRate", s.connectRate());
        json.put("latencyMs", Map.of("p50", l.p50(), "p95", l.p95(), "p99", l.p99(), "max", l.max()));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
