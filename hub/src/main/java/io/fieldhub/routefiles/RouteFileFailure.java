package io.fieldhub.routefiles;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a saved route file was not applied.
 *
 * @param file    the file name in routes/
 * @param line    the line the parser or the check named, or 0 when it named none
 * @param message what is wrong, from the innermost cause
 * @param at      when the save was refused
 */
public record RouteFileFailure(String file, int line, String message, Instant at) {

    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    static RouteFileFailure of(String file, Throwable error, Instant at) {
        int line = 0;
        Throwable cause = error;
        for (Throwable t = error; t != null; t = t.getCause()) {
            cause = t;
            Matcher m = LINE.matcher(String.valueOf(t.getMessage()));
            if (line == 0 && m.find()) {
                line = Integer.parseInt(m.group(1));
            }
        }
        return new RouteFileFailure(file, line, String.valueOf(cause.getMessage()), at);
    }

    /** As build errors read: {@code ingest-broker.camel.yaml:12: ...}. */
    String describe() {
        return file + ":" + line + ": " + message;
    }
}
