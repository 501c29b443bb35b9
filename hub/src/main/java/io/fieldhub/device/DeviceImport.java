package io.fieldhub.device;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Bulk registration ({@code POST /api/devices/import}) from CSV or JSON. Each entry is checked on its own: the good
 * ones are registered, and every rejected one is reported with its line (CSV, the header being line 1) or its
 * position (JSON, from 1) and the reason. Existing devices are left as they are and reported.
 *
 * <p>CSV: a header row naming {@code id} and any of {@code type}, {@code site}, {@code enabled}, {@code via} (the
 * gateways that may publish for the device, separated by spaces); every other column {@code tags.NAME} is a tag.
 * JSON: an array of {@code {"id", "type", "site", "enabled", "tags": {...}, "via": [...]}}.
 */
public class DeviceImport {

    /** What came of an import. */
    public record Result(int imported, List<Rejected> rejected) {}

    /** An entry that was not registered, and why. */
    public record Rejected(int line, String id, String reason) {}

    private record Entry(int line, DeviceSpec spec) {}

    private static final int CHUNK = 1_000;
    private static final Set<String> COLUMNS = Set.of("id", "type", "site", "enabled", "via");

    private final JdbcClient jdbc;
    private final DeviceRegistry registry;
    private final ObjectMapper json;
    private final CsvMapper csv = new CsvMapper();

    public DeviceImport(JdbcClient jdbc, DeviceRegistry registry, ObjectMapper json) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.json = json;
    }

    public Result csv(InputStream body, String actor) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        CsvSchema header = CsvSchema.emptySchema().withHeader();
        try (MappingIterator<Map<String, String>> rows =
                csv.readerForMapOf(String.class).with(header).readValues(body)) {
            while (rows.hasNextValue()) {
                int line = rows.getCurrentLocation().getLineNr();
                try {
                    entries.add(new Entry(line, fromCsv(rows.nextValue())));
                } catch (RuntimeJsonMappingException | IllegalArgumentException e) {
                    rejected.add(new Rejected(line, null, "not a CSV row of the header's columns: " + e.getMessage()));
                }
            }
        }
        return register(entries, rejected, actor);
    }

    public Result json(InputStream body, String actor) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        int position = 0;
        try (MappingIterator<Map<String, Object>> items =
                json.readerForMapOf(Object.class).readValues(body)) {
            while (items.hasNextValue()) {
                position++;
                try {
                    entries.add(new Entry(position, json.convertValue(items.nextValue(), DeviceSpec.class)));
                } catch (RuntimeJsonMappingException | IllegalArgumentException e) {
                    rejected.add(new Rejected(position, null, "not a device object: " + e.getMessage()));
                }
            }
        }
        return register(entries, rejected, actor);
    }

    private static DeviceSpec fromCsv(Map<String, String> row) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (var cell : row.entrySet()) {
            String column = cell.getKey();
            if (column.startsWith("tags.")
                    && cell.getValue() != null
                    && !cell.getValue().isEmpty()) {
                tags.put(column.substring("tags.".length()), cell.getValue());
            } else if (!COLUMNS.contains(column) && !column.startsWith("tags.")) {
                throw new IllegalArgumentException(
                        "unknown column '" + column + "' (use id, type, site, enabled, via, tags.NAME)");
            }
        }
        String enabled = blankToNull(row.get("enabled"));
        if (enabled != null && !enabled.equalsIgnoreCase("true") && !enabled.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("enabled must be true or false, was '" + enabled + "'");
        }
        return new DeviceSpec(
                blankToNull(row.get("id")),
                blankToNull(row.get("type")),
                blankToNull(row.get("site")),
                tags,
                enabled == null ? null : Boolean.valueOf(enabled),
                via(row.get("via")));
    }

    /** {@code "gw-1 gw-2"}: the gateways of a CSV row, separated by spaces. */
    private static List<String> via(String cell) {
        String gateways = blankToNull(cell);
        return gateways == null ? null : List.of(gateways.split("\\s+"));
    }

    private Result register(List<Entry> entries, List<Rejected> rejected, String actor) {
        List<Entry> valid = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            String problem = e.spec().problem();
            if (problem != null) {
                rejected.add(new Rejected(e.line(), e.spec().id(), problem));
            } else if (!seen.add(e.spec().id())) {
                rejected.add(new Rejected(
                        e.line(), e.spec().id(), "device " + e.spec().id() + " appears earlier in this import"));
            } else {
                valid.add(e);
            }
        }
        int imported = 0;
        for (int from = 0; from < valid.size(); from += CHUNK) {
            List<Entry> chunk = valid.subList(from, Math.min(from + CHUNK, valid.size()));
            Set<String> inserted = insert(chunk, actor);
            imported += inserted.size();
            chunk.stream()
                    .filter(e -> !inserted.contains(e.spec().id()))
                    .forEach(e -> rejected.add(new Rejected(
                            e.line(),
                            e.spec().id(),
                            "device " + e.spec().id() + " is already registered (change it with PUT /api/devices/"
                                    + e.spec().id() + ")")));
        }
        rejected.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new Result(imported, rejected);
    }

    /** One statement per chunk; returns the ids it registered (not those that existed). */
    private Set<String> insert(List<Entry> chunk, String actor) {
        String[] ids = chunk.stream().map(e -> e.spec().id()).toArray(String[]::new);
        String[] types = chunk.stream().map(e -> e.spec().typeOrDefault()).toArray(String[]::new);
        String[] sites = chunk.stream().map(e -> e.spec().site()).toArray(String[]::new);
        String[] tags =
                chunk.stream().map(e -> registry.json(e.spec().tagsOrEmpty())).toArray(String[]::new);
        String[] enabled = chunk.stream()
                .map(e -> String.valueOf(e.spec().enabledOrDefault()))
                .toArray(String[]::new);
        // unnest cannot take an array of arrays of differing lengths: each device's gateways travel as one string
        String[] via =
                chunk.stream().map(e -> String.join(" ", e.spec().viaOrEmpty())).toArray(String[]::new);
        return new HashSet<>(jdbc.sql("""
                        insert into device (id, type, site, tags, enabled, updated_by, via)
                        select i, t, s, g::jsonb, e::boolean, ?, coalesce(string_to_array(nullif(v, ''), ' '), '{}')
                        from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                            as x(i, t, s, g, e, v)
                        on conflict (id) do nothing
                        returning id""")
                .params(actor, ids, types, sites, tags, enabled, via)
                .query(String.class)
                .list());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
