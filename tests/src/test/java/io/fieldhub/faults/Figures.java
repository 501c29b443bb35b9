package io.fieldhub.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A scenario's figures, printed as one block whatever its outcome, so a failure shows what happened. */
final class Figures {

    /** Relative to the repository root, where the tests run. */
    static final Path FILE = Path.of("tests/target/fault-figures.txt");

    private final String title;
    private final Map<String, String> lines = new LinkedHashMap<>();
    private final long begin = System.nanoTime();

    Figures(String title) {
        this.title = title;
    }

    Figures add(String name, Object value) {
        lines.merge(name, String.valueOf(value), (a, b) -> a + ", " + b);
        return this;
    }

    Figures seconds(String name, double seconds) {
        return add(name, String.format(Locale.ROOT, "%.1f s", seconds));
    }

    void print() {
        seconds("test took", (System.nanoTime() - begin) / 1e9);
        StringBuilder block = new StringBuilder("\n===== ").append(title).append(" =====\n");
        lines.forEach((name, value) -> block.append(String.format(Locale.ROOT, "  %-22s %s%n", name, value)));
        block.append("=====\n");
        System.out.print(block);
        System.out.flush();
        // also kept beside the test reports, should the test JVM's output not reach the build log
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, block, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
