package io.fieldhub.notify;

/**
 * A notification routing file that cannot be used: its message names the file, the line and the reason, e.g.
 * {@code config/notifications.yaml line 12: 'maria' has no phone for sms}.
 */
public class RoutingException extends RuntimeException {

    private final int line;
    private final String reason;

    RoutingException(int line, String reason) {
        this(null, line, reason, null);
    }

    RoutingException(String file, int line, String reason, Throwable cause) {
        super((file == null ? "" : file + " ") + "line " + line + ": " + reason, cause);
        this.line = line;
        this.reason = reason;
    }

    /** The same error, said of {@code file}. */
    RoutingException in(String file) {
        RoutingException named = new RoutingException(file, line, reason, getCause());
        named.setStackTrace(getStackTrace());
        return named;
    }

    /** The line the error is on, 1-based. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
