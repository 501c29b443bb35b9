package io.fieldhub.bench.micro;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import io.fieldhub.telemetry.TelemetryRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.util.FileSystemUtils;

/**
 * Which way of writing a warm-store batch is fastest ({@link InsertPaths}): each path writes batches of 100, 500 and
 * 2000 readings shaped like the hub's, one transaction each, to embedded PostgreSQL with fsync on, as the hub runs
 * it. Prints rows/s, the writing thread's CPU per row (building parameters, driver encoding, waiting excluded) and
 * the PostgreSQL backend's CPU per row, beside the load average. The paths take turns in every round, so a burst of
 * load from elsewhere spreads over all of them. Run from the repository root:
 *
 * <pre>
 * ./mvnw -q -pl bench/micro -am package -DskipTests
 * java -cp bench/micro/target/fieldhub-bench-micro.jar io.fieldhub.bench.micro.BatchInsertPaths [rows per cell] [rounds]
 * </pre>
 */
public final class BatchInsertPaths {

    private static final int[] SIZES = {100, 500, 2000};
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What one path spent on one batch size, over every round. */
    private static final class Cell {
        long rows;
        long wallNanos;
        long hubCpuNanos;
        long pgTicks;
    }

    public static void main(String[] args) throws Exception {
        int rowsPerCell = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path dataDir = Files.createTempDirectory("fieldhub-bench-postgres");
        var postgres = new EmbeddedPostgresServer(dataDir, 0);
        postgres.start();
        try (Connection con = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password())) {
            Flyway.configure()
                    .dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            con.setAutoCommit(false);
            long backend = backendPid(con);
            for (InsertPaths path : InsertPaths.values()) {
                verify(con, path);
            }
            for (InsertPaths path : InsertPaths.values()) {
                run(con, path, 500, rowsPerCell, backend, new Cell());
            }
            String loadBefore = loadAverage();
            long processCpuBefore = processCpuNanos();
            long started = System.nanoTime();
            Map<InsertPaths, Cell[]> cells = new EnumMap<>(InsertPaths.class);
            for (InsertPaths path : InsertPaths.values()) {
                cells.put(path, new Cell[] {new Cell(), new Cell(), new Cell()});
            }
            InsertPaths[] paths = InsertPaths.values();
            for (int round = 0; round < rounds; round++) {
                for (int s = 0; s < SIZES.length; s++) {
                    for (int i = 0; i < paths.length; i++) {
                        InsertPaths path = paths[(i + round) % paths.length];
                        run(con, path, SIZES[s], rowsPerCell, backend, cells.get(path)[s]);
                    }
                }
            }
            System.out.printf(
                    "%n%s, PostgreSQL %s: %d rounds of %,d rows per path and batch size; %.0f s, JVM CPU %.1f s;"
                            + " load average before %s, after %s (%d cores)%n%n",
                    Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()),
                    con.getMetaData().getDatabaseProductVersion(),
                    rounds,
                    rowsPerCell,
                    (System.nanoTime() - started) / 1e9,
                    (processCpuNanos() - processCpuBefore) / 1e9,
                    loadBefore,
                    loadAverage(),
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| path | batch | rows/s | hub CPU µs/row | PostgreSQL backend CPU µs/row |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (InsertPaths path : paths) {
                for (int s = 0; s < SIZES.length; s++) {
                    Cell c = cells.get(path)[s];
                    System.out.printf(
                            "| %s | %d | %,.0f | %.1f | %.1f |%n",
                            path,
                            SIZES[s],
                            c.rows / (c.wallNanos / 1e9),
                            c.hubCpuNanos / 1e3 / c.rows,
                            c.pgTicks * (1e6 / 100) / c.rows);
                }
            }
        } finally {
            postgres.close();
            FileSystemUtils.deleteRecursively(dataDir);
        }
    }

    /** Writes {@code rows} fresh readings in batches of {@code size} into empty tables. */
    private static void run(Connection con, InsertPaths path, int size, int rows, long backend, Cell cell)
            throws SQLException, IOException {
        try (Statement st = con.createStatement()) {
            st.execute("truncate telemetry, telemetry_key");
        }
        con.commit();
        List<List<TelemetryRecord>> batches = new ArrayList<>();
        for (int written = 0; written < rows; written += size) {
            List<TelemetryRecord> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batch.add(reading(UUID.randomUUID().toString(), "engine-" + (i % 100), 72.5 + i % 7));
            }
            batches.add(batch);
        }
        long pgBefore = cpuTicks(backend);
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        long wallBefore = System.nanoTime();
        for (List<TelemetryRecord> batch : batches) {
            if (path.write(con, batch, MAPPER).size() != batch.size()) {
                throw new IllegalStateException(path + " stored fewer readings than it was given");
            }
            con.commit();
        }
        cell.wallNanos += System.nanoTime() - wallBefore;
        cell.hubCpuNanos += THREADS.getCurrentThreadCpuTime() - cpuBefore;
        cell.pgTicks += cpuTicks(backend) - pgBefore;
        cell.rows += (long) batches.size() * size;
    }

    /** A key twice in one batch is stored once (its first copy), a stored key never again, and values survive. */
    private static void verify(Connection con, InsertPaths path) throws SQLException {
        try (Statement st = con.createStatement()) {
            st.execute("truncate telemetry, telemetry_key");
        }
        String odd = "m\t\\n\n\"1\"\r";
        List<TelemetryRecord> first =
                List.of(reading(odd, "pump-7", 1.0), reading(odd, "pump-8", 2.0), reading(odd, "pump-7", 3.0));
        List<TelemetryRecord> second = List.of(reading(odd, "pump-8", 2.0), reading("m-2", "pump-7", 4.0));
        List<String> fresh1 = InsertPaths.freshInOrder(first, path.write(con, first, MAPPER));
        List<String> fresh2 = InsertPaths.freshInOrder(second, path.write(con, second, MAPPER));
        con.commit();
        List<String> stored = new ArrayList<>();
        try (Statement st = con.createStatement();
                ResultSet rs =
                        st.executeQuery("select device_id, message_id, ts, metrics->>'temperature', tags->>'site'"
                                + " from telemetry order by id")) {
            while (rs.next()) {
                stored.add(String.join(
                        "|",
                        rs.getString(1),
                        rs.getString(2),
                        rs.getTimestamp(3).toInstant().toString(),
                        rs.getString(4),
                        rs.getString(5)));
            }
        }
        String ts = Instant.parse("2026-11-26T10:00:00.123456Z").toString();
        List<String> expected = List.of(
                "pump-7|" + odd + "|" + ts + "|1.0|plant \"1\"\t\\",
                "pump-8|" + odd + "|" + ts + "|2.0|plant \"1\"\t\\",
                "pump-7|m-2|" + ts + "|4.0|plant \"1\"\t\\");
        if (!fresh1.equals(List.of(InsertPaths.key("pump-7", odd), InsertPaths.key("pump-8", odd)))
                || !fresh2.equals(List.of(InsertPaths.key("pump-7", "m-2")))
                || !Objects.equals(stored, expected)) {
            throw new IllegalStateException(
                    path + " is not correct: fresh " + fresh1 + " then " + fresh2 + ", stored " + stored);
        }
    }

    private static TelemetryRecord reading(String messageId, String deviceId, double temperature) {
        Instant ts = Instant.parse("2026-11-26T10:00:00.123456789Z");
        return new TelemetryRecord(
                messageId,
                deviceId,
                ts,
                ts.plus(40, ChronoUnit.MILLIS),
                Map.of("temperature", temperature, "rpm", 1200.0, "oilPressure", 3.25),
                Map.of("type", "engine", "site", "plant \"1\"\t\\"),
                "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    private static long backendPid(Connection con) throws SQLException {
        try (Statement st = con.createStatement();
                ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** utime + stime of a process in clock ticks (100 a second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
