package io.fieldhub.rules.policy;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.decisiontable.DecisionTableProviderImpl;
import org.kie.internal.builder.DecisionTableInputType;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.io.ResourceFactory;

/**
 * Turns a decision table into the DRL the rule build compiles from it (drools-decisiontables, first sheet, as
 * KIE does for a {@code *.drl.csv} or {@code *.drl.xlsx} resource), and maps a line of that DRL back to the
 * table's row. Reading a spreadsheet takes a few hundred milliseconds, so the DRL of each file is kept until the
 * file changes: a reload of other rules does not pay for it again.
 */
final class DecisionTables {

    /** The compiler's marker before each generated rule: {@code // rule values at A11, header at A6}. */
    private static final Pattern ROW = Pattern.compile("^// rule values at [A-Z]+(\\d+)", Pattern.MULTILINE);

    private record Converted(byte[] content, String drl) {}

    private final Map<String, Converted> converted = new ConcurrentHashMap<>();

    static boolean isTable(String file) {
        return !file.endsWith(".drl");
    }

    /** The generated DRL; throws {@link RuntimeException} when the table cannot be read. */
    String toDrl(String file, byte[] content) {
        Converted last = converted.get(file);
        if (last != null && Arrays.equals(last.content(), content)) {
            return last.drl();
        }
        String drl = convert(file, content);
        converted.put(file, new Converted(content.clone(), drl));
        return drl;
    }

    /** Drops the DRL of tables no longer in the rule set, so uploads under new names cannot pile up. */
    void keepOnly(Set<String> files) {
        converted.keySet().retainAll(files);
    }

    private static String convert(String file, byte[] content) {
        var conf = KnowledgeBuilderFactory.newDecisionTableConfiguration();
        conf.setInputType(
                file.endsWith(".csv")
                        ? DecisionTableInputType.CSV
                        : file.endsWith(".xlsx") ? DecisionTableInputType.XLSX : DecisionTableInputType.XLS);
        var resource = ResourceFactory.newByteArrayResource(content);
        resource.setSourcePath(file);
        String drl = new DecisionTableProviderImpl().loadFromResource(resource, conf);
        if (drl == null) {
            throw new IllegalArgumentException("no rule table found");
        }
        return drl;
    }

    /** The table row of the rule that a line of the generated DRL belongs to; 0 above the first rule. */
    static int rowOf(String drl, int line) {
        int row = 0;
        Matcher m = ROW.matcher(drl);
        int current = 1;
        int from = 0;
        while (m.find()) {
            current += count(drl, from, m.start());
            from = m.start();
            if (current > line) {
                break;
            }
            row = Integer.parseInt(m.group(1));
        }
        return row;
    }

    private static int count(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += text.charAt(i) == '\n' ? 1 : 0;
        }
        return n;
    }
}
