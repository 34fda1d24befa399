package dev.pop3raw.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * When a child's JIT has settled: passes run until at least {@code bench.minPasses} (10) have run, the CPU times of
 * the last three are within 5 % of each other (or within {@link #CLOCK_STEP_NANOS}, the step of the process CPU clock
 * here, for passes too short for 5 % to be measurable) and their mean is no more than that below the mean of the
 * three before (the CPU time has stopped falling); at most {@code bench.maxPasses} (40).
 * <p>
 * Why CPU time and not wall time: the wall time of a pass swings with the server's fast and slow spells, the CPU time of
 * the consumer's JVM does not; what still falls pass after pass is the JIT's compiling and the code it has not yet
 * compiled. Under the default tiered JIT on two cores the route kept getting faster well past the previous method's
 * three warm-up passes (docs/performance.adoc, "JIT": {@code small} 0.136 s after 5 passes, 0.100 s after 30).
 */
final class Settling {

    /** {@code getProcessCpuTime} moves in steps of 10 ms on this JVM (Linux, clock ticks). */
    static final long CLOCK_STEP_NANOS = 10_000_000L;
    private static final int WINDOW = 3;
    private static final double TOLERANCE = 0.05;

    private final int minPasses;
    private final int maxPasses;
    /** False for a fixed number of passes: then there is no rule to meet. */
    private final boolean byRule;
    private final List<Long> cpus = new ArrayList<>();

    private Settling(int minPasses, int maxPasses, boolean byRule) {
        this.minPasses = minPasses;
        this.maxPasses = Math.max(minPasses, maxPasses);
        this.byRule = byRule;
    }

    static Settling fromProperties() {
        return new Settling(Integer.getInteger("bench.minPasses", 10), Integer.getInteger("bench.maxPasses", 40), true);
    }

    /** A fixed number of passes, no rule (the 1 GB message: one pass is warm enough). */
    static Settling exactly(int passes) {
        return new Settling(passes, passes, false);
    }

    /** No settling passes (the idle poll measures its own polls). */
    static Settling none() {
        return exactly(0);
    }

    void add(long cpuNanos) {
        cpus.add(cpuNanos);
    }

    int passes() {
        return cpus.size();
    }

    boolean done() {
        return passes() >= maxPasses || passes() >= minPasses && settled();
    }

    /**
     * The last {@link #WINDOW} passes' CPU times lie within the tolerance of each other and, when there are passes
     * enough, their mean is not below the mean of the {@link #WINDOW} passes before by more than the tolerance: three
     * alike passes on a slope that is still falling (0.19, 0.18, 0.19 s, then 0.14 s, seen in a smoke run) are
     * not settled.
     */
    boolean settled() {
        if (!byRule) {
            return true;
        }
        if (passes() < WINDOW) {
            return false;
        }
        List<Long> last = cpus.subList(passes() - WINDOW, passes());
        long min = last.stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = last.stream().mapToLong(Long::longValue).max().orElseThrow();
        if (max - min > tolerance(min)) {
            return false;
        }
        if (passes() < 2 * WINDOW) {
            return true;
        }
        double before = mean(cpus.subList(passes() - 2 * WINDOW, passes() - WINDOW));
        return before - mean(last) <= tolerance(before);
    }

    private static double tolerance(double cpuNanos) {
        return Math.max(TOLERANCE * cpuNanos, CLOCK_STEP_NANOS);
    }

    private static double mean(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).average().orElseThrow();
    }
}
