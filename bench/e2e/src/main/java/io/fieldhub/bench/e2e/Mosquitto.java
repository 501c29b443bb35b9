package io.fieldhub.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mosquitto (the Debian package, installed by bench/nodered/install) as a child process on a free port of
 * 127.0.0.1, anonymous, logging errors and warnings to {@code mosquitto.log} in its directory.
 */
final class Mosquitto implements AutoCloseable {

    private final int port = HubUnderTest.freePort();
    private final Process process;

    /** {@code settings}: further mosquitto.conf lines, e.g. persistence. */
    Mosquitto(Path dir, List<String> settings) throws IOException {
        Files.createDirectories(dir);
        List<String> conf = new ArrayList<>(List.of(
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "log_dest stdout",
                "log_type error",
                "log_type warning"));
        conf.addAll(settings);
        Path file = dir.resolve("mosquitto.conf");
        Files.write(file, conf);
        process = new ProcessBuilder("mosquitto", "-c", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile())
                .start();
    }

    int port() {
        return port;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    double cpuSeconds() throws IOException {
        return HubUnderTest.cpuSeconds(process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
