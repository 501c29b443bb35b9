package io.fieldhub.simulator;

import io.fieldhub.simulator.cli.SimulateCommand;

/** Entry point of the executable jar that {@code ./simulate} runs. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(SimulateCommand.commandLine().execute(args));
    }
}
