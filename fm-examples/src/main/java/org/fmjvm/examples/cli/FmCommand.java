package org.fmjvm.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

import org.fmjvm.api.error.FlowMatchingException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fm} command: flow matching on the JVM. */
@Command(name = "fm", mixinStandardHelpOptions = true, version = "fm 0.1.0",
        description = {"Train and sample flow-matching generative models from Java, on PyTorch (backend djl, through"
            + " DJL) or TensorFlow (backend tf, through TensorFlow Java); choose with --backend NAME.",
            "Paths, couplings, solvers and backends are plugins chosen by name: fm list shows them."},
        subcommands = {DemoCommand.class, TrainCommand.class, SampleCommand.class, EvaluateCommand.class,
            LikelihoodCommand.class, CompareCommand.class,
            ListCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class FmCommand implements Runnable {

    /** Exit code for an error in the user's input or environment (bad value, bad file). */
    public static final int USER_ERROR = 1;
    /** Exit code for a bug: an exception the framework did not expect. */
    public static final int INTERNAL_ERROR = 70;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return the configured command line, with one-line error reporting */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FmCommand());
        cl.setExecutionExceptionHandler(FmCommand::handle);
        cl.setParameterExceptionHandler(FmCommand::handleUsage);
        return cl;
    }

    /** A mistake on the command line itself: one line with the fix, not the whole usage text. */
    private static int handleUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println("fm: " + e.getMessage() + " (see '" + name + " --help')");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        Throwable t = e;
        while ((t instanceof UncheckedIOException || t instanceof CommandLine.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof FlowMatchingException f) {
            err.println("fm: " + f.getMessage());
            return USER_ERROR;
        }
        if (t instanceof IOException io) {
            err.println("fm: " + describe(io));
            return USER_ERROR;
        }
        err.println("fm: internal error (please report it): " + t);
        t.printStackTrace(err);
        return INTERNAL_ERROR;
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(java.util.Locale.ROOT);
        return "file error (" + kind + "): " + e.getMessage();
    }
}
