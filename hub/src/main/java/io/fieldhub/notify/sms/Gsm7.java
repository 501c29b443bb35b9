package io.fieldhub.notify.sms;

import java.text.Normalizer;

/**
 * Text an SMSC sends as GSM 7-bit (GSM 03.38) one character per septet: 160 in one SMS, 153 per segment of a long
 * one. camel-smpp counts characters to decide where to split, so the text must hold no character of the GSM
 * extension table (each takes two septets: {@code [ ] { } \ ^ ~ | €}) and none outside the default alphabet (which
 * would force UCS-2 and 70 characters an SMS). Such characters are replaced by their nearest plain look-alike.
 */
final class Gsm7 {

    /** The GSM 03.38 default alphabet, less the Greek capitals that ISO-8859-1 (camel-smpp's encoding) lacks. */
    private static final String ALPHABET = "@£$¥èéùìòÇ\nØø\rÅå_ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private Gsm7() {}

    /** The text with every character sendable as one GSM 7-bit septet. */
    static String plain(String text) {
        var out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.append(plain(c)));
        return out.toString();
    }

    private static String plain(int c) {
        if (c == '\n' || c == '\r' || c == '\t') {
            return " ";
        }
        if (ALPHABET.indexOf(c) >= 0) {
            return Character.toString(c);
        }
        switch (c) {
            case '[', '{' -> {
                return "(";
            }
            case ']', '}' -> {
                return ")";
            }
            case '\\', '|' -> {
                return "/";
            }
            case '^' -> {
                return "'";
            }
            case '~' -> {
                return "-";
            }
            case '€' -> {
                return "EUR";
            }
            default -> {
                // é is in the alphabet, ê is not: send e
                String base = Normalizer.normalize(Character.toString(c), Normalizer.Form.NFD)
                        .replaceAll("\\p{M}", "");
                return !base.isEmpty() && base.codePoints().allMatch(b -> ALPHABET.indexOf(b) >= 0) ? base : "?";
            }
        }
    }

    /** At most {@code max} characters: the text, or its start and "..." when it is longer. */
    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 3)) + "...";
    }
}
