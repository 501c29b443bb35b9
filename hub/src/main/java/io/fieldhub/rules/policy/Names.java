package io.fieldhub.rules.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the names in code (comments and strings already blanked): each dotted name, like
 * {@code java.nio.file.Files.writeString} or {@code $r.getDeviceId}, is read as a whole, so a qualified name is
 * judged by its package and type, and each part of it by the forbidden names. One finding per dotted name.
 */
final class Names {

    /** A name in code and the line it is on. */
    private record Name(String text, int line) {}

    private final String code;
    private final CodeScan scan;

    Names(String code, CodeScan scan) {
        this.code = code;
        this.scan = scan;
    }

    void check() {
        int i = 0;
        int line = 1;
        boolean afterDot = false;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isDigit(c)) {
                while (i < code.length() && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_')) {
                    i++;
                }
                afterDot = false;
            } else if (Character.isJavaIdentifierStart(c)) {
                List<Name> parts = new ArrayList<>();
                int[] at = {i, line};
                boolean wildcard = readDotted(parts, at);
                i = at[0];
                line = at[1];
                judge(parts, wildcard, afterDot);
                afterDot = false;
            } else {
                afterDot = c == '.';
                i++;
            }
        }
    }

    /** Reads {@code a.b.C.d} (spaces and line breaks allowed around the dots) into parts; true if it ends in .* */
    private boolean readDotted(List<Name> parts, int[] at) {
        int i = at[0];
        int line = at[1];
        while (true) {
            int start = i;
            while (i < code.length() && Character.isJavaIdentifierPart(code.charAt(i))) {
                i++;
            }
            parts.add(new Name(code.substring(start, i), line));
            int j = i;
            int lineAfter = line;
            while (j < code.length() && Character.isWhitespace(code.charAt(j))) {
                lineAfter += code.charAt(j++) == '\n' ? 1 : 0;
            }
            if (j >= code.length() || code.charAt(j) != '.') {
                break;
            }
            j++;
            while (j < code.length() && Character.isWhitespace(code.charAt(j))) {
                lineAfter += code.charAt(j++) == '\n' ? 1 : 0;
            }
            if (j < code.length() && code.charAt(j) == '*') {
                at[0] = j + 1;
                at[1] = lineAfter;
                return true;
            }
            if (j >= code.length() || !Character.isJavaIdentifierStart(code.charAt(j))) {
                i = j;
                line = lineAfter;
                break;
            }
            i = j;
            line = lineAfter;
        }
        at[0] = i;
        at[1] = line;
        return false;
    }

    private void judge(List<Name> parts, boolean wildcard, boolean member) {
        Name first = parts.get(0);
        if (!member && looksLikePackage(first.text()) && parts.size() + (wildcard ? 1 : 0) > 1) {
            String refused = qualified(parts, wildcard);
            if (refused != null) {
                scan.refuse(first.line(), refused);
                return;
            }
        }
        // Only drools.getRule() and drools.getMatch(): drools passed on (a variable, an argument) could reach the rest.
        if (!member
                && first.text().equals("drools")
                && (parts.size() == 1
                        || !AllowList.DROOLS_HELPERS.contains(parts.get(1).text()))) {
            String used =
                    parts.size() == 1 ? "drools" : "drools." + parts.get(1).text();
            scan.refuse(
                    first.line(),
                    used + " is not allowed in a rule (engine internals;"
                            + " a rule may use drools.getRule() and drools.getMatch())");
            return;
        }
        for (Name part : parts) {
            String refused = AllowList.forbiddenName(part.text());
            if (refused != null) {
                scan.refuse(part.line(), refused);
                return;
            }
        }
    }

    /** Judges a name that starts like a package: the reason it is refused, or null when it is allowed. */
    private String qualified(List<Name> parts, boolean wildcard) {
        StringBuilder dotted = new StringBuilder();
        for (int k = 0; k < parts.size(); k++) {
            String part = parts.get(k).text();
            String pkg = dotted.toString();
            if (k > 0 && Character.isUpperCase(part.charAt(0))) {
                String type = pkg + "." + part;
                String banned = AllowList.forbiddenPackage(type);
                if (banned != null) {
                    return banned;
                }
                if (AllowList.allowsType(type) || scan.isRulePackage(pkg)) {
                    return null;
                }
                String named = AllowList.forbiddenName(part);
                return named != null
                        ? type + " is not allowed in a rule (" + named.substring(named.indexOf('(') + 1)
                        : type + " is not allowed in a rule (outside the allow-list: the fact model, java.lang"
                                + " basics, java.time, java.math and the java.util collections)";
            }
            dotted.append(k == 0 ? "" : ".").append(part);
        }
        String name = dotted.toString();
        String banned = AllowList.forbiddenPackage(name);
        if (banned != null) {
            return banned;
        }
        if (wildcard && !AllowList.PACKAGES.contains(name) && !scan.isRulePackage(name)) {
            return name + ".* is not allowed in a rule (only java.time and java.math may be imported whole;"
                    + " import the classes one by one)";
        }
        return null;
    }

    /** Package names do not start upper case (that is a type) nor with {@code $} (that is a rule variable). */
    private static boolean looksLikePackage(String name) {
        return name.charAt(0) != '$' && !Character.isUpperCase(name.charAt(0));
    }
}
