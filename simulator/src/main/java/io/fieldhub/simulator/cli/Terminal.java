package io.fieldhub.simulator.cli;

/** Whether stderr is a terminal, so that the progress line can be rewritten in place. */
final class Terminal {

    /** Set by {@code ./simulate}, which can ask the shell ({@code [ -t 2 ]}); Java cannot test stderr alone. */
    static final String PROPERTY = "fieldhub.simulator.terminal";

    private Terminal() {}

    static boolean isStderrTerminal() {
        String told = System.getProperty(PROPERTY);
        return told != null ? Boolean.parseBoolean(told) : System.console() != null;
    }
}
