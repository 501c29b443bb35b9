package io.fieldhub.rules.deploy;

import io.fieldhub.rules.RuleSet;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/** The business users' scenario tests, run on a candidate rule set before it may go into force. */
public interface RuleCheck {

    /** The scenario files of a rules folder, by path relative to it. */
    SortedMap<String, byte[]> scenariosIn(Path rulesDir);

    /** Runs the scenarios on the rules; returns one line per failed scenario (empty when all pass). */
    List<String> failures(RuleSet rules, SortedMap<String, byte[]> scenarios);
}
