package io.github.diffusion4j.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code diffusion4j generate|info|benchmark ...}. */
@Command(name = "diffusion4j", mixinStandardHelpOptions = true, version = "diffusion4j 0.1.0",
        description = "Generate images with Stable Diffusion ONNX models on the JVM.",
        subcommands = {GenerateCommand.class, InfoCommand.class, BenchmarkCommand.class, PeerBenchmark.class,
                MemoryBenchmark.class, SessionBenchmark.class})
public final class DiffusionCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // JBoss Logging only routes through JBoss LogManager (and its logging.properties: stderr) when it is the JUL
        // manager; `java -jar` sets no -D, so set it before anything logs.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new DiffusionCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof io.github.diffusion4j.model.DiffusionException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: generate, info or benchmark");
    }
}
