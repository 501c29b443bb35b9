package io.fieldhub.rules.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads DRL text as javac and MVEL would and reports every name the {@link AllowList} refuses, with its line. The
 * whole text is scanned (imports, globals, functions, declarations, conditions, consequences), so no region of a
 * rule can be missed. Comments and string literals are blanked first, since they cannot run; what could make
 * javac read code where this scan sees a comment or a string is refused instead: unicode escapes (javac decodes
 * them before anything else), invisible characters (javac drops them from names) and strings left open at the end
 * of a line (MVEL allows them, javac does not).
 */
final class CodeScan {

    /** One refused thing at a line of the DRL text. */
    record Finding(int line, String message) {}

    private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u+[0-9A-Fa-f]{4}");

    private final String text;
    private final Set<String> rulePackages;
    private final List<Finding> findings = new ArrayList<>();

    private CodeScan(String text, Set<String> rulePackages) {
        this.text = text;
        this.rulePackages = rulePackages;
    }

    /**
     * @param rulePackages the packages of the rule set being checked: their types (declared in rules) may be named
     */
    static List<Finding> scan(String text, Set<String> rulePackages) {
        CodeScan scan = new CodeScan(text, rulePackages);
        scan.hiddenCharacters();
        String code = scan.blankCommentsAndStrings();
        new Names(code, scan).check();
        return scan.findings;
    }

    void refuse(int line, String message) {
        findings.add(new Finding(line, message));
    }

    boolean isRulePackage(String name) {
        return rulePackages.contains(name);
    }

    private void hiddenCharacters() {
        Matcher m = UNICODE_ESCAPE.matcher(text);
        while (m.find()) {
            refuse(
                    lineAt(m.start()),
                    m.group() + " is not allowed in a rule (a unicode escape: javac decodes it"
                            + " before it reads the code, so it can hide any name); write the character itself");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isIdentifierIgnorable(c) && !(i == 0 && c == '\uFEFF')) {
                refuse(
                        lineAt(i),
                        String.format(
                                "the invisible character U+%04X is not allowed in a rule"
                                        + " (javac ignores it inside a name, so it can hide one)",
                                (int) c));
            }
        }
    }

    /** The text with comments and string and character literals turned into spaces; line breaks are kept. */
    private String blankCommentsAndStrings() {
        char[] out = text.toCharArray();
        int i = 0;
        while (i < out.length) {
            char c = out[i];
            char next = i + 1 < out.length ? out[i + 1] : 0;
            if (c == '/' && next == '/') {
                // javac ends a line comment at a lone \r too: stopping at \n only would hide the next line.
                while (i < out.length && !lineBreak(out[i])) {
                    out[i++] = ' ';
                }
            } else if (c == '/' && next == '*') {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    refuse(lineAt(i), "a comment that is never closed is not allowed in a rule");
                    end = out.length - 2;
                }
                blank(out, i, end + 2);
                i = end + 2;
            } else if (c == '"' || c == '\'') {
                i = blankLiteral(out, i, c);
            } else {
                i++;
            }
        }
        return new String(out);
    }

    /** Blanks the literal opening at {@code start}; returns the index after it. */
    private int blankLiteral(char[] out, int start, char quote) {
        int i = start + 1;
        while (i < out.length && out[i] != quote && !lineBreak(out[i])) {
            i += out[i] == '\\' && i + 1 < out.length && !lineBreak(out[i + 1]) ? 2 : 1;
        }
        if (i >= out.length || out[i] != quote) {
            refuse(
                    lineAt(start),
                    "a string that runs past the end of its line is not allowed in a rule"
                            + " (no text blocks or multi-line strings): close it on the same line");
            return i;
        }
        blank(out, start, i + 1);
        return i + 1;
    }

    private static boolean lineBreak(char c) {
        return c == '\n' || c == '\r';
    }

    private static void blank(char[] out, int from, int to) {
        for (int i = from; i < Math.min(to, out.length); i++) {
            if (out[i] != '\n') {
                out[i] = ' ';
            }
        }
    }

    private int lineAt(int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
