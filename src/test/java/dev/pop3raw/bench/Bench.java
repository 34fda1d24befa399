package dev.pop3raw.bench;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.pop3raw.testing.DovecotServer;

/**
 * The pop3raw benchmark (docs/performance.adoc). Not a unit test: run it with
 * <pre>mvn -q -B test-compile exec:java@bench -Dbench.corpora=small,mixed,large -Dbench.rounds=3</pre>
 * It starts a private Dovecot on loopback, loads deterministic corpora, and measures, interleaved per round
 * (every variant for each corpus, then the next round), each variant in its own JVM (see {@link BenchChild}), so the
 * peak RSS (VmHWM) reported is that variant's alone. The table gives the median of the rounds, settled and cold.
 * <p>
 * Variants: (a) the pop3raw client, (b) a {@code pop3raw:} route, (s) the route with {@code streamDownload=true},
 * (c) camel-mail {@code pop3:}, (d) the raw-socket ceiling; over implicit TLS (bt) the route with
 * {@code tls=implicit}, (ct) camel-mail {@code pop3s:}, (dt) a raw TLS socket, the TLS ceiling. All in a default JVM
 * and a default Camel context; modifiers after {@code @} give the previous method's settings one at a time
 * ({@link Variant}): {@code b@c1}, {@code b@64m}, {@code b@serial}, {@code b@spool}, all four {@code b@old}, and
 * {@code b@base} (the main classes of an earlier build). camel-mail is configured idempotent and non-deleting like
 * the route (see {@link BenchChild#camelMail}); its UID generator keys messages by Message-ID, not by the UIDL.
 * <p>
 * Properties: {@code bench.corpora} (small,mixed,large), {@code bench.rounds} (3), {@code bench.variants}
 * (a,b,c,d,bt,ct,dt), {@code bench.scale} (1: scales the corpora, for smoke runs), {@code bench.jvmArgs} (child JVM
 * options for every variant, replacing the default and the modifiers), {@code bench.jvmArgs.<variant>} (for one
 * variant), {@code bench.minPasses} (10) and {@code bench.maxPasses} (40) settling passes and {@code bench.timed} (5)
 * timed passes per child ({@link Settling}), {@code bench.onegig=true} (the 1 GB message through the route at
 * -Xmx64m), {@code bench.idle=true} (the idle poll of a 100,000-message mailbox, all seen), {@code bench.idle.messages}
 * (100000), {@code bench.jfr=<dir>} (a JFR recording per child), {@code bench.paired=false} (no ceiling pass beside
 * each timed pass), {@code bench.out} (target/bench/results.adoc).
 */
public final class Bench {

    static final String PASSWORD = "bench-secret";
    /**
     * Every child JVM of the headline variants: no options at all, the JVM's defaults (its heap sizing, G1, tiered
     * C1+C2 compilation), as a user who deploys the component gets them. The previous method's options are variants
     * of their own, named by modifiers ({@link Variant}).
     */
    static final String DEFAULT_JVM = "";
    /**
     * Timed passes in each child once its JIT has settled ({@link Settling}); the child reports their median.
     * Consecutive passes in one JVM swing by up to 70 %, the raw-socket ceiling as much as the route (Dovecot runs in
     * fast and slow spells; pinning it to a core of its own did not change that), so a single timed pass made each
     * round's figure a coin toss between the two speeds.
     */
    static final int DEFAULT_TIMED = 5;

    private Bench() {
    }

    record Run(String corpus, String variant, int round, long messages, long octets, long nanos, long hwmKb,
            long[] extra) {
    }

    /** Extra result fields of a child, counted from the end (the paired ratio is there only when paired). */
    static final int ALLOCATED = 1;
    static final int COLD = 2;
    static final int CPU = 3;
    static final int SETTLED_AFTER = 4;
    static final int PAIRED = 5;

    /**
     * A variant as named in {@code bench.variants}: the child's variant, then modifiers after {@code @}, each one
     * setting of the previous method (or another build): {@code c1} the client compiler only
     * ({@code -XX:TieredStopAtLevel=1}), {@code 64m} a 64 MB heap (camel-mail 128 MB: JavaMail holds a whole 50 MB
     * message), {@code serial} the serial collector, {@code spool} the Camel context's spooling on (128 KiB), {@code old}
     * all four, {@code base} the main classes of {@code bench.baseline}. {@code b@c1@64m} combines two.
     */
    record Variant(String name, String child, Set<String> modifiers) {

        static Variant parse(String name) {
            String[] parts = name.split("@");
            Set<String> modifiers = new LinkedHashSet<>(Arrays.asList(parts).subList(1, parts.length));
            if (modifiers.remove("old")) {
                modifiers.addAll(List.of("c1", "64m", "serial", "spool"));
            }
            for (String m : modifiers) {
                if (!List.of("c1", "64m", "serial", "spool", "base").contains(m)) {
                    throw new IllegalArgumentException("unknown modifier @" + m + " in variant " + name);
                }
            }
            return new Variant(name, parts[0], modifiers);
        }

        /** The child JVM's options: none by default, one per JVM modifier; bench.jvmArgs[.name] replaces them. */
        String jvmOptions() {
            List<String> options = new ArrayList<>(csv(DEFAULT_JVM.replace(' ', ',')));
            if (modifiers.contains("64m")) {
                options.add(child.startsWith("c") ? "-Xmx128m" : "-Xmx64m");
            }
            if (modifiers.contains("serial")) {
                options.add("-XX:+UseSerialGC");
            }
            if (modifiers.contains("c1")) {
                options.add("-XX:TieredStopAtLevel=1");
            }
            return System.getProperty("bench.jvmArgs." + name,
                    System.getProperty("bench.jvmArgs", String.join(" ", options)));
        }

        boolean tls() {
            return child.endsWith("t");
        }

        /** The ceiling this variant is a share of: the TLS one for the TLS variants. */
        String ceiling() {
            return tls() ? "dt" : "d";
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> corpora = csv(System.getProperty("bench.corpora", "small,mixed,large"));
        List<String> variants = csv(System.getProperty("bench.variants", "a,b,c,d,bt,ct,dt"));
        int rounds = Integer.getInteger("bench.rounds", 3);
        boolean oneGig = Boolean.getBoolean("bench.onegig");
        boolean idle = Boolean.getBoolean("bench.idle");
        boolean coldStart = Boolean.getBoolean("bench.coldstart");
        if (coldStart) {
            // the 2,000-message mailbox only, and no table of passes unless asked for
            corpora = csv(System.getProperty("bench.corpora", "small"));
            if (System.getProperty("bench.rounds") == null) {
                rounds = 0;
            }
        }
        if (oneGig || idle) {
            if (System.getProperty("bench.corpora") == null) {
                corpora = List.of();
            }
        }
        Path outFile = Path.of(System.getProperty("bench.out", "target/bench/results.adoc"));
        Files.createDirectories(outFile.getParent());
        String classpath = classpath();

        DovecotServer.Options options = DovecotServer.Options.defaults();
        Set<String> users = new LinkedHashSet<>(corpora);
        if (oneGig) {
            users.add("onegig");
        }
        if (idle) {
            users.add("idle");
        }
        for (String u : users) {
            options.user(u, PASSWORD);
        }
        StringBuilder report = new StringBuilder();
        try (DovecotServer server = DovecotServer.start(options)) {
            say("dovecot on %s:%d", server.host(), server.pop3Port());
            Map<String, Corpora.Loaded> loaded = new LinkedHashMap<>();
            for (String corpus : corpora) {
                long t = System.nanoTime();
                Corpora.Loaded l = Corpora.load(server, corpus);
                loaded.put(corpus, l);
                say("corpus %s: %d messages, %.1f MiB, generated in %.1f s", corpus, l.messages(), mib(l.octets()),
                        (System.nanoTime() - t) / 1e9);
            }
            // warm-up (not measured): Dovecot indexes the fresh Maildir, the page cache takes the files
            for (Corpora.Loaded l : loaded.values()) {
                Run w = child(classpath, server, l, "d", 0);
                say("warm-up %s: %d octets on the wire", l.user(), w.octets());
            }
            List<Run> runs = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                for (Corpora.Loaded l : loaded.values()) {
                    for (String v : variants) {
                        Run r = child(classpath, server, l, v, round);
                        runs.add(r);
                        say("round %d %-5s %s: %8.3f s  %9.0f msg/s  %7.1f MiB/s  RSS %4d MiB", round, l.user(), v,
                                r.nanos() / 1e9, l.messages() / (r.nanos() / 1e9), mib(l.octets()) / (r.nanos() / 1e9),
                                r.hwmKb() / 1024);
                    }
                }
            }
            if (!runs.isEmpty()) {
                report.append(table(loaded, variants, runs, rounds));
            }
            if (oneGig) {
                report.append(oneGig(classpath, server));
            }
            if (idle) {
                report.append(idle(classpath, server));
            }
            if (coldStart) {
                report.append(coldStart(classpath, server, loaded.get("small")));
            }
        }
        report.append("\n").append(machine());
        System.out.println();
        System.out.println(report);
        Files.writeString(outFile, report.toString());
        say("written to %s", outFile);
    }

    // ------------------------------------------------------------------------------------------ table

    static String table(Map<String, Corpora.Loaded> loaded, List<String> variants, List<Run> runs, int rounds) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT,
                "Median of %d rounds, interleaved (every variant once per corpus in each round),"
                        + " each variant in its own JVM, default JVM options and a default Camel"
                        + " context unless the variant's name says otherwise. In each JVM, passes"
                        + " run until the JIT has settled (at least %d passes, then until the last 3"
                        + " passes' CPU times are within 5%% or 10 ms of each other and no lower"
                        + " than the 3 before by more than that, at most %d),"
                        + " then %d timed passes, all alike (fresh route and repository); a JVM's"
                        + " 'settled' figure is the median of its timed passes. 'cold s' is the"
                        + " first pass of the fresh JVM (a route's from startRoute, its context"
                        + " started just before). 'settled after' is the median number of"
                        + " passes it took ('>n': not settled within n). A route's time runs from"
                        + " startRoute to the end of its poll (QUIT sent, spool files deleted)."
                        + " 'CPU s' is the median CPU time of the timed passes, all threads of the"
                        + " variant's JVM (not the server's). 'of ceiling' is the ceiling's time"
                        + " over the variant's ((d), or (dt) for the TLS variants); 'paired': in"
                        + " each JVM every timed pass is paired with a ceiling pass just before or"
                        + " after it (alternately), the JVM reports the median of those ratios,"
                        + " the table the median over the rounds. 'KiB alloc/msg': bytes allocated"
                        + " by the route's JVM (all live threads) from startRoute to the end of the"
                        + " poll, per message, median of the timed passes and of the rounds.%n%n",
                rounds, Integer.getInteger("bench.minPasses", 10), Integer.getInteger("bench.maxPasses", 40),
                Integer.getInteger("bench.timed", DEFAULT_TIMED)));
        t.append("[cols=\"1,3,>1,>1,>1,>1,>1,>1,>1,>1,>1,>1\",options=\"header\"]\n|===\n");
        t.append("| corpus | variant | settled s | msg/s | MiB/s | CPU s | peak RSS MiB (max) | of ceiling"
                + " | of ceiling, paired | cold s | settled after | KiB alloc/msg\n");
        for (Corpora.Loaded l : loaded.values()) {
            Map<String, Double> median = new LinkedHashMap<>();
            for (String v : variants) {
                median.put(v, medianSeconds(runs, l.user(), v));
            }
            for (String v : variants) {
                double s = median.get(v);
                long rss = runs.stream().filter(r -> r.corpus().equals(l.user()) && r.variant().equals(v))
                        .mapToLong(Run::hwmKb).max().orElse(-1) / 1024;
                Double ceiling = median.get(Variant.parse(v).ceiling());
                t.append(String.format(Locale.ROOT,
                        "| %s | %s | %.3f | %.0f | %.1f | %s | %d | %s | %s | %s | %s | %s%n",
                        l.user(), label(v), s, l.messages() / s, mib(l.octets()) / s,
                        medianExtra(runs, l.user(), v, CPU),
                        rss, ceiling == null ? "" : String.format(Locale.ROOT, "%.2f", ceiling / s),
                        pairedRatio(runs, l.user(), v), medianExtra(runs, l.user(), v, COLD),
                        settledAfter(runs, l.user(), v), allocatedPerMessage(runs, l, v)));
            }
            summary(t, l.user(), "", "b", "c", "d", median, runs);
            summary(t, l.user(), ", route with streamDownload=true", "s", "c", "d", median, runs);
            summary(t, l.user(), ", implicit TLS", "bt", "ct", "dt", median, runs);
        }
        t.append("|===\n\nAll rounds (seconds):\n\n----\n");
        for (Run r : runs) {
            double cpu = r.extra().length >= CPU ? r.extra()[r.extra().length - CPU] / 1e9 : Double.NaN;
            String paired = r.extra().length >= PAIRED
                    ? String.format(Locale.ROOT, " paired %.2f", r.extra()[r.extra().length - PAIRED] / 1e9)
                    : "";
            long allocated = r.extra().length >= ALLOCATED ? r.extra()[r.extra().length - ALLOCATED] : -1;
            t.append(String.format(Locale.ROOT, "round %d %-6s %-10s %8.3f s CPU %.3f s cold %.3f s RSS %d MiB"
                    + " settled after %s%s%s%n", r.round(), r.corpus(), r.variant(),
                    r.nanos() / 1e9, cpu, r.extra()[r.extra().length - COLD] / 1e9, r.hwmKb() / 1024,
                    settledAfter(List.of(r), r.corpus(), r.variant()), paired,
                    allocated < 0
                            ? ""
                            : String.format(Locale.ROOT, " alloc %.1f KiB/msg",
                                    allocated / 1024.0 / r.messages())));
        }
        t.append("----\n");
        return t.toString();
    }

    /** The row under a corpus comparing a route with camel-mail and the ceiling, if all three ran. */
    private static void summary(StringBuilder t, String corpus, String what, String route, String camelMail,
            String ceiling, Map<String, Double> median, List<Run> runs) {
        if (!median.containsKey(route)) {
            return;
        }
        t.append(String.format(Locale.ROOT, "12+| *%s%s: %s/%s = %s, %s/%s = %s* (ratios of the medians; median of the"
                + " per-round ratios: %s/%s %s, %s/%s %s; paired %s/%s %s)%n", corpus, what,
                route, camelMail, ratio(median, camelMail, route), route, ceiling, ratio(median, ceiling, route),
                route, camelMail, roundRatio(runs, corpus, camelMail, route), route, ceiling,
                roundRatio(runs, corpus, ceiling, route), route, ceiling, pairedRatio(runs, corpus, route)));
    }

    /** The median over the rounds of a route's bytes allocated per message, in KiB; "" if not measured. */
    static String allocatedPerMessage(List<Run> runs, Corpora.Loaded l, String variant) {
        double[] perMessage = runs.stream().filter(r -> r.corpus().equals(l.user()) && r.variant().equals(variant)
                && r.extra().length >= ALLOCATED
                && r.extra()[r.extra().length - ALLOCATED] >= 0)
                .mapToDouble(r -> r.extra()[r.extra().length - ALLOCATED] / 1024.0 / l.messages()).sorted().toArray();
        return perMessage.length == 0 ? "" : String.format(Locale.ROOT, "%.1f", median(perMessage));
    }

    /** The median passes to settle over the rounds, {@code >n} if the median child did not settle in n passes. */
    static String settledAfter(List<Run> runs, String corpus, String variant) {
        long[] passes = runs.stream().filter(r -> r.corpus().equals(corpus) && r.variant().equals(variant)
                && r.extra().length >= SETTLED_AFTER)
                .mapToLong(r -> r.extra()[r.extra().length - SETTLED_AFTER]).sorted().toArray();
        if (passes.length == 0) {
            return "";
        }
        long median = passes[(passes.length - 1) / 2]; // unsettled (negative) counts sort first: the worse one
        return median < 0 ? ">" + -median : Long.toString(median);
    }

    /** The median, in seconds, of the extra result field {@code fromEnd} places from the end, or "" if none. */
    static String medianExtra(List<Run> runs, String corpus, String variant, int fromEnd) {
        double[] values = extraValues(runs, corpus, variant, fromEnd);
        return values.length == 0 ? "" : String.format(Locale.ROOT, "%.3f", values[values.length / 2]);
    }

    /** The median over the rounds of the variant's paired ratio to the ceiling ("n/a" when it was not paired). */
    static String pairedRatio(List<Run> runs, String corpus, String variant) {
        double[] ratios = extraValues(runs, corpus, variant, PAIRED);
        return ratios.length == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", median(ratios));
    }

    /** The extra result field {@code fromEnd} places from the end, in billionths, of every round that has it, sorted. */
    private static double[] extraValues(List<Run> runs, String corpus, String variant, int fromEnd) {
        return runs.stream().filter(r -> r.corpus().equals(corpus) && r.variant().equals(variant)
                && r.extra().length >= fromEnd)
                .mapToDouble(r -> r.extra()[r.extra().length - fromEnd] / 1e9).sorted().toArray();
    }

    static String label(String name) {
        Variant v = Variant.parse(name);
        StringBuilder label = new StringBuilder(switch (v.child()) {
            case "a" -> "(a) pop3raw client";
            case "b" -> "(b) pop3raw: route";
            case "s" -> "(b) route, streamDownload=true";
            case "c" -> "(c) camel-mail pop3:";
            case "d" -> "(d) ceiling (raw socket)";
            case "bt" -> "(b) route, tls=implicit";
            case "ct" -> "(c) camel-mail pop3s:";
            case "dt" -> "(d) TLS ceiling (raw TLS socket)";
            default -> v.child();
        });
        for (String m : v.modifiers()) {
            label.append(switch (m) {
                case "c1" -> ", C1 only";
                case "64m" -> v.child().startsWith("c") ? ", -Xmx128m" : ", -Xmx64m";
                case "serial" -> ", SerialGC";
                case "spool" -> ", context spools";
                case "base" -> ", build before";
                default -> ", @" + m;
            });
        }
        return label.toString();
    }

    /** Throughput of {@code of} relative to {@code to}: the time of {@code to} over the time of {@code of}. */
    static String ratio(Map<String, Double> median, String to, String of) {
        Double t = median.get(to);
        Double o = median.get(of);
        return t == null || o == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", t / o);
    }

    /**
     * The same ratio per round (both variants ran minutes apart at most, under the same load), then the median of
     * those: less sensitive to a machine whose speed drifts between rounds than the ratio of two medians.
     */
    static String roundRatio(List<Run> runs, String corpus, String to, String of) {
        Map<Integer, Long> toNanos = new LinkedHashMap<>();
        runs.stream().filter(r -> r.corpus().equals(corpus) && r.variant().equals(to))
                .forEach(r -> toNanos.put(r.round(), r.nanos()));
        double[] ratios = runs.stream().filter(r -> r.corpus().equals(corpus) && r.variant().equals(of)
                && toNanos.containsKey(r.round()))
                .mapToDouble(r -> (double) toNanos.get(r.round()) / r.nanos()).sorted().toArray();
        return ratios.length == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", median(ratios));
    }

    static double medianSeconds(List<Run> runs, String corpus, String variant) {
        double[] s = runs.stream().filter(r -> r.corpus().equals(corpus) && r.variant().equals(variant))
                .mapToDouble(r -> r.nanos() / 1e9).sorted().toArray();
        return s.length == 0 ? Double.NaN : median(s);
    }

    /** The median of sorted values. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    // ------------------------------------------------------------------------------------------ special modes

    static String oneGig(String classpath, DovecotServer server) throws Exception {
        long size = Long.getLong("bench.onegig.bytes", 1L << 30);
        long t = System.nanoTime();
        Corpora.Loaded l = Corpora.one(server, "onegig", size);
        say("onegig: 1 message of %.1f MiB generated in %.1f s", mib(l.octets()), (System.nanoTime() - t) / 1e9);
        Run warm = child(classpath, server, l, "d", 0);
        say("onegig warm-up (d): %.3f s", warm.nanos() / 1e9);
        String jvm = System.getProperty("bench.onegig.jvmArgs", "-Xmx64m -XX:+UseSerialGC");
        List<Run> routes = new ArrayList<>();
        for (String variant : csv(System.getProperty("bench.onegig.variants", "b,s"))) {
            Run r = child(classpath, server, l, variant, 1, jvm);
            if (r.octets() != l.octets()) {
                throw new IllegalStateException("the route read " + r.octets() + " of " + l.octets() + " octets");
            }
            routes.add(r);
        }
        Run d = child(classpath, server, l, "d", 1);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n=== One message of %d octets (%.0f MiB)"
                + " through the route, `%s`, spooled to disk"
                + " by the component%n%n----%n",
                l.octets(), mib(l.octets()), jvm));
        for (Run r : routes) {
            out.append(String.format(Locale.ROOT, "%s: delivered, body read fully (%d octets) in %.2f s, %.1f MiB/s,"
                    + " peak RSS %d MiB; of (d) %.2fx%n",
                    label(r.variant()), r.octets(), r.nanos() / 1e9, mib(l.octets()) / (r.nanos() / 1e9),
                    r.hwmKb() / 1024, (double) d.nanos() / r.nanos()));
        }
        out.append(String.format(Locale.ROOT, "(d) ceiling: %.2f s, %.1f MiB/s%n----%n", d.nanos() / 1e9,
                mib(l.octets()) / (d.nanos() / 1e9)));
        return out.toString();
    }

    /**
     * From {@code CamelContext.start()} to the first exchange, and to the end of the first poll, in fresh JVMs without
     * options: a route deployed onto a 2,000-message backlog. Rounds interleave the variants; medians are reported.
     */
    static String coldStart(String classpath, DovecotServer server, Corpora.Loaded l) throws Exception {
        if (l == null) {
            throw new IllegalStateException("bench.coldstart needs the small corpus (bench.corpora=small)");
        }
        List<String> variants = csv(System.getProperty("bench.coldstart.variants", "b,c,bt,ct"));
        int rounds = Integer.getInteger("bench.coldstart.rounds", 7);
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String v : variants) {
                Run r = child(classpath, server, l, v, round,
                        Variant.parse(v).jvmOptions() + " -Dbench.child.coldstart=true");
                if (r.messages() != l.messages() || r.octets() != l.octets()) {
                    throw new IllegalStateException("cold start " + v + " read " + r.messages() + " messages, "
                            + r.octets() + " octets");
                }
                runs.computeIfAbsent(v, k -> new ArrayList<>()).add(r);
                say("cold start round %d %s: first exchange %.0f ms, poll end %.0f ms after context start (JVM up %d"
                        + " ms then), RSS %d MiB", round, v, r.extra()[0] / 1e6, r.nanos() / 1e6, r.extra()[1],
                        r.hwmKb() / 1024);
            }
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%n=== Cold start: a fresh JVM (no options),"
                + " a default context, %d messages waiting; median of %d rounds%n%n", l.messages(), rounds));
        s.append("[cols=\"1,1,1,1,1\",options=\"header\"]\n|===\n| variant | context start -> first exchange"
                + " | context start -> end of the first poll | JVM uptime at context start | peak RSS\n");
        for (var e : runs.entrySet()) {
            double[] first = e.getValue().stream().mapToDouble(r -> r.extra()[0] / 1e6).sorted().toArray();
            double[] end = e.getValue().stream().mapToDouble(r -> r.nanos() / 1e6).sorted().toArray();
            double[] up = e.getValue().stream().mapToDouble(r -> r.extra()[1]).sorted().toArray();
            double[] rss = e.getValue().stream().mapToDouble(r -> r.hwmKb() / 1024.0).sorted().toArray();
            s.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f ms | %.0f ms | %.0f MiB%n", label(e.getKey()),
                    median(first), median(end), median(up), median(rss)));
        }
        s.append("|===\n");
        return s.toString();
    }

    static String idle(String classpath, DovecotServer server) throws Exception {
        int count = Integer.getInteger("bench.idle.messages", 100_000);
        long t = System.nanoTime();
        Corpora.Loaded l = Corpora.many(server, "idle", count);
        say("idle: %d messages delivered in %.1f s", count, (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        Run warm = child(classpath, server, l, "a", 0);
        say("idle warm-up (Dovecot indexes the Maildir; client reads all): %.1f s, %d messages",
                (System.nanoTime() - t) / 1e9,
                warm.messages());
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%n=== Idle poll: %d messages, every UIDL already"
                        + " in the repository (simulated repository round trip: %d µs)%n%n----%n",
                count,
                Long.getLong("bench.idle.latencyMicros", 100)));
        for (String options : List.of("&confirmedKeyCacheSize=0", "")) {
            // the simulated repository holds its 100,000 keys in the same heap (a real one is a database)
            Run r = child(classpath, server, l, "idle", 1, System.getProperty("bench.idle.jvmArgs", DEFAULT_JVM),
                    options);
            s.append(options.isEmpty()
                    ? "confirmed-key cache on (default):\n"
                    : "cache off (" + options.substring(1)
                            + "):\n");
            for (int i = 0; i + 1 < r.extra().length; i += 2) {
                s.append(String.format(Locale.ROOT, "  poll %d: %.3f s, %d repository queries%n", i / 2 + 1,
                        r.extra()[i] / 1e9, r.extra()[i + 1]));
            }
            s.append(String.format(Locale.ROOT, "  peak RSS %d MiB%n", r.hwmKb() / 1024));
            say("idle %s: %s", options, Arrays.toString(r.extra()));
        }
        // the server's own share: the same login, UIDL and LIST from a raw socket, nothing parsed (median of 3 runs)
        List<Long> raw = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            raw.add(child(classpath, server, l, "idled", 1, System.getProperty("bench.idle.jvmArgs", DEFAULT_JVM))
                    .nanos());
        }
        Collections.sort(raw);
        s.append(String.format(Locale.ROOT,
                "ceiling (raw socket: USER/PASS, UIDL and LIST in one write, nothing parsed):"
                        + " %.3f s (median of 3; %.3f-%.3f)%n",
                raw.get(1) / 1e9, raw.get(0) / 1e9,
                raw.get(2) / 1e9));
        say("idle ceiling: %s", raw);
        s.append("----\n");
        return s.toString();
    }

    // ------------------------------------------------------------------------------------------ children

    static Run child(String classpath, DovecotServer server, Corpora.Loaded l, String variant, int round)
            throws IOException, InterruptedException {
        return child(classpath, server, l, variant, round, Variant.parse(variant).jvmOptions());
    }

    static Run child(String classpath, DovecotServer server, Corpora.Loaded l, String variant, int round, String jvm)
            throws IOException, InterruptedException {
        return child(classpath, server, l, variant, round, jvm, null);
    }

    static Run child(String classpath, DovecotServer server, Corpora.Loaded l, String variant, int round, String jvm,
            String extraArg) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(csv(jvm.trim().replaceAll("\\s+", ",")));
        String jfr = System.getProperty("bench.jfr");
        if (jfr != null && round > 0) {
            Files.createDirectories(Path.of(jfr));
            // bench.jfr.settings: "profile" (JDK's, 10-20 ms samples) or a .jfc file, e.g. with 1 ms sampling
            cmd.add("-XX:StartFlightRecording=settings=" + System.getProperty("bench.jfr.settings", "profile")
                    + ",filename=" + Path.of(jfr, l.user() + "-" + variant + "-" + round + ".jfr").toAbsolutePath());
        }
        cmd.add("-Dlog4j2.configurationFile=log4j2-bench.properties");
        for (String p : System.getProperties().stringPropertyNames()) {
            if (p.startsWith("bench.") && !p.startsWith("bench.jvmArgs")) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        Variant parsed = Variant.parse(variant);
        String childVariant = parsed.child();
        if (parsed.modifiers().contains("spool")) {
            cmd.add("-Dbench.child.spool=true");
        }
        if (parsed.tls()) {
            cmd.add("-Dbench.child.certificate=" + server.certificateFile().toAbsolutePath());
        }
        if (l.retrOctets() >= 0) {
            cmd.add("-Dbench.child.retrOctets=" + l.retrOctets()); // the ceilings' octets are checked in the child
        }
        cmd.add("-cp");
        if (parsed.modifiers().contains("base")) {
            // the same variant with the main classes of an earlier build (bench.baseline): before/after in one run
            String base = System.getProperty("bench.baseline");
            String main = Path.of("target", "classes").toAbsolutePath().toString();
            List<String> entries = new ArrayList<>(Arrays.asList(classpath.split(File.pathSeparator)));
            if (base == null || !entries.remove(main)) {
                throw new IllegalStateException("variant " + variant + " needs -Dbench.baseline=<classes dir> and "
                        + main + " on the class path");
            }
            entries.add(0, base);
            cmd.add(String.join(File.pathSeparator, entries));
        } else {
            cmd.add(classpath);
        }
        cmd.add(BenchChild.class.getName());
        int port = parsed.tls() ? server.pop3sPort() : server.pop3Port();
        cmd.addAll(List.of(childVariant, server.host(), Integer.toString(port), l.user(), PASSWORD,
                Integer.toString(l.messages())));
        if (extraArg != null) {
            cmd.add(extraArg);
        }
        Path log = Files.createTempFile("pop3raw-bench-" + l.user() + "-" + variant + "-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("child " + variant + " " + l.user() + " timed out; log " + log);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        String result = out.lines().filter(s -> s.startsWith("RESULT ")).reduce((a, b) -> b).orElse(null);
        if (p.exitValue() != 0 || result == null) {
            throw new IllegalStateException("child " + variant + " " + l.user() + " failed (exit " + p.exitValue()
                    + "):\n" + tail(out));
        }
        if (Boolean.getBoolean("bench.phases")) {
            out.lines().filter(x -> x.startsWith("phases:")).forEach(x -> say("%s %s: %s", l.user(), variant, x));
        }
        if (Boolean.getBoolean("bench.keepLogs")) {
            say("%s %s: child log %s", l.user(), variant, log);
        } else {
            Files.delete(log);
        }
        long[] f = Arrays.stream(result.substring(7).trim().split(" ")).mapToLong(Long::parseLong).toArray();
        Run run = new Run(l.user(), variant, round, f[0], f[1], f[2], f[3], Arrays.copyOfRange(f, 4, f.length));
        // the ceilings (d, dt) count octets on the wire, checked by the child against Corpora.Wire; the idle poll none
        if (!childVariant.startsWith("d") && !childVariant.startsWith("idle")) {
            if (run.messages() != l.messages() || run.octets() != l.octets()) {
                throw new IllegalStateException("variant " + variant + " on " + l.user() + " read " + run.messages()
                        + " messages, " + run.octets() + " octets; expected " + l.messages()
                        + ", " + l.octets());
            }
        }
        return run;
    }

    static String classpath() throws URISyntaxException {
        List<String> entries = new ArrayList<>();
        ClassLoader loader = Bench.class.getClassLoader();
        while (loader != null) {
            if (loader instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    entries.add(Path.of(url.toURI()).toString());
                }
            }
            loader = loader.getParent();
        }
        if (entries.isEmpty()) {
            return System.getProperty("java.class.path");
        }
        return String.join(File.pathSeparator, new LinkedHashSet<>(entries));
    }

    // ------------------------------------------------------------------------------------------ misc

    static String machine() throws IOException, InterruptedException {
        StringBuilder m = new StringBuilder("=== Machine\n\n----\n");
        m.append("nproc: ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal")) {
                m.append(line.replaceAll("\\s+", " ")).append('\n');
            }
        }
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(s -> s.startsWith("model name")).findFirst()
                .ifPresent(s -> m.append("cpu: ").append(s.substring(s.indexOf(':') + 1).trim()).append('\n'));
        m.append("java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        m.append("dovecot: ").append(run("dovecot", "--version")).append('\n');
        m.append("load average at the end: ").append(Files.readString(Path.of("/proc/loadavg")).trim()).append('\n');
        m.append("child JVM options: ").append(System.getProperty("bench.jvmArgs", "none (the JVM's defaults)"))
                .append(", unless a variant's modifiers or bench.jvmArgs.<variant> say otherwise\n");
        m.append("----\n");
        return m.toString();
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    static String tail(String s) {
        String[] lines = s.split("\n");
        return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }

    static List<String> csv(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    static double mib(long octets) {
        return octets / 1048576.0;
    }

    static void say(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
