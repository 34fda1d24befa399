package dev.pop3raw.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * When a child's JIT has settled: passes run until at least {@code bench.minPasses} (10) have run and the CPU times of
 * the last three are within 5 % of each other (or within {@link #CLOCK_STEP_NANOS}, the step of the process CPU clock
 * here, for passes too short for 5 % to be measurable), and at most {@code bench.maxPasses} (40).
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

    /** The last {@link #WINDOW} passes' CPU times lie within the tolerance of each other. */
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
        return max - min <= Math.max(TOLERANCE * min, CLOCK_STEP_NANOS);
    }
}
