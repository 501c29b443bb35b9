package io.fieldhub.notify;

import java.util.regex.Pattern;

/**
 * A transition's detail (an operator's acknowledgement note, or the hub's reason for an escalation or clear) as each
 * channel shows it: one line of plain text. Control and invisible formatting characters (a bidi override can make a
 * note read backwards) and line breaks become spaces, so a note cannot start a line of its own in an SMS or a case.
 * Escaping for a format (HTML, JSON) is the channel's.
 */
public final class Notes {

    private static final Pattern NOT_TEXT = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\s]+");

    private Notes() {}

    /** The note on one line, or null when there is none. */
    public static String oneLine(String note) {
        if (note == null) {
            return null;
        }
        String line = NOT_TEXT.matcher(note).replaceAll(" ").strip();
        return line.isEmpty() ? null : line;
    }
}
