package dev.pop3raw.camel;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * What mapHeaders costs per message, on the polling thread: not a unit test (no timing in the test suite), a program.
 * For two header blocks (the benchmark corpora's, 8 short fields; and a Gmail-like one of 5 KB: Received chain, ARC,
 * DKIM, encoded Subject and From, List-*), it times, per message, the work the consumer does today (collect the
 * block while copying, decode the fixed fields, a fresh exchange) with and without {@link MailHeaderMapping#map}, and
 * the bytes allocated. Run with
 * <pre>mvn -q -B -o test-compile exec:java -Dexec.mainClass=dev.pop3raw.camel.MapHeadersCost -Dexec.classpathScope=test</pre>
 * Results are in docs/user-guide.adoc, "Mail headers as camel-mail maps them".
 */
public final class MapHeadersCost {

    private static final HeaderDecoder.Fields FIXED = new HeaderDecoder.Fields(
            Set.of("subject", "from", "to", "cc", "date", "message-id"));
    private static final int ITERATIONS = 50_000;
    private static final int ROUNDS = 7;

    private MapHeadersCost() {
    }

    public static void main(String[] args) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            MailHeaderMapping mapping = MailHeaderMapping.of(true, new Pop3RawHeaderFilterStrategy(),
                    new MailboxKey("bench", "127.0.0.1", 110));
            for (String[] block : new String[][]{{"bench corpus header", benchHeader()}, {"Gmail-like", gmail()}}) {
                byte[] message = (block[1] + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
                long[] off = measure(camel, null, message);
                long[] on = measure(camel, mapping, message);
                System.out.printf("%-20s %5d octets, %2d fields: mapHeaders=false %6d ns %7d B | mapHeaders=true"
                        + " %6d ns %7d B (CPU time, allocation per message)%n", block[0], block[1].length(),
                        HeaderDecoder.all(message, message.length, false).size(), off[0], off[1], on[0], on[1]);
            }
        }
    }

    /**
     * The median CPU time (ns) and allocated bytes per message over {@link #ROUNDS} rounds, after as many warm-up
     * rounds. CPU time of the thread, not wall time: the build machine is shared, and waiting for a core is not cost.
     */
    private static long[] measure(CamelContext camel, MailHeaderMapping mapping, byte[] message) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long tid = Thread.currentThread().getId();
        HeaderDecoder.Collector collector = new HeaderDecoder.Collector();
        long[] nanos = new long[ROUNDS];
        long[] bytes = new long[ROUNDS];
        long sink = 0;
        for (int round = -ROUNDS; round < ROUNDS; round++) {
            long allocated = threads.getThreadAllocatedBytes(tid);
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < ITERATIONS; i++) {
                collector.reset();
                collector.feed(message, 0, message.length);
                Exchange exchange = new DefaultExchange(camel);
                collector.fields(FIXED).forEach(exchange.getIn()::setHeader);
                if (mapping != null) {
                    mapping.map(exchange, collector);
                }
                sink += exchange.getIn().getHeaders().size();
            }
            if (round >= 0) {
                nanos[round] = (threads.getCurrentThreadCpuTime() - start) / ITERATIONS;
                bytes[round] = (threads.getThreadAllocatedBytes(tid) - allocated) / ITERATIONS;
            }
        }
        if (sink == 42) {
            System.out.println(); // keeps the loop's work alive
        }
        Arrays.sort(nanos);
        Arrays.sort(bytes);
        return new long[]{nanos[ROUNDS / 2], bytes[ROUNDS / 2]};
    }

    /** The header of the benchmark corpora (dev.pop3raw.bench.Corpora): 8 short ASCII fields. */
    private static String benchHeader() {
        return "Return-Path: <sender3@example.org>\r\n"
                + "Received: from mx1.example.org by bench.example.org; Mon, 6 Jan 2025 10:12:00 +0000\r\n"
                + "From: Sender 3 <sender3@example.org>\r\nTo: Receiver <bench@example.org>\r\n"
                + "Subject: small message 3\r\nDate: Mon, 6 Jan 2025 10:12:00 +0000\r\n"
                + "Message-ID: <3.5f1e2d3c4b5a6978@bench.example.org>\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n";
    }

    /** A header block shaped like one Gmail delivers: 5 KB, a Received chain, ARC and DKIM, encoded words. */
    private static String gmail() {
        String b64 = "a".repeat(64);
        StringBuilder h = new StringBuilder(6000);
        h.append("Delivered-To: alice@example.com\r\n");
        for (int i = 0; i < 4; i++) {
            h.append("Received: by 2002:a05:6a10:").append(i).append("::1 with SMTP id x").append(i)
                    .append("csp123456pxb;\r\n        Mon, 6 Jan 2025 10:1").append(i).append(":00 -0800 (PST)\r\n");
        }
        h.append("X-Google-Smtp-Source: ").append(b64).append("\r\n");
        h.append("X-Received: by 2002:a17:902:e5c2:b0:1d4:1234:5678 with SMTP id u2mr1234567plf.12.1704534600000;\r\n"
                + "        Mon, 06 Jan 2025 10:10:00 -0800 (PST)\r\n");
        h.append("ARC-Seal: i=1; a=rsa-sha256; t=1704534600; cv=none;\r\n        d=google.com; s=arc-20160816;\r\n");
        for (int i = 0; i < 5; i++) {
            h.append("        b=").append(b64).append("\r\n");
        }
        h.append("ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20160816;\r\n"
                + "        h=list-unsubscribe:to:subject:message-id:date:from:mime-version;\r\n        bh=")
                .append(b64).append(";\r\n        b=").append(b64).append("\r\n");
        h.append("ARC-Authentication-Results: i=1; mx.google.com;\r\n       dkim=pass header.i=@example.org;\r\n"
                + "       spf=pass (google.com: domain of news@example.org designates 192.0.2.1 as permitted sender)"
                + " smtp.mailfrom=news@example.org\r\n");
        h.append("Return-Path: <news@example.org>\r\n");
        h.append("Received: from mail.example.org (mail.example.org. [192.0.2.1])\r\n        by mx.google.com with"
                + " ESMTPS id a1si1234567pfb.123.2025.01.06.10.10.00\r\n        for <alice@example.com>\r\n"
                + "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\r\n"
                + "        Mon, 06 Jan 2025 10:10:00 -0800 (PST)\r\n");
        h.append("Received-SPF: pass (google.com: domain of news@example.org designates 192.0.2.1 as permitted"
                + " sender) client-ip=192.0.2.1;\r\n");
        h.append("Authentication-Results: mx.google.com;\r\n       dkim=pass header.i=@example.org"
                + " header.s=s1 header.b=abcdEFGH;\r\n       spf=pass smtp.mailfrom=news@example.org;\r\n"
                + "       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.org\r\n");
        return signatures(h, b64).toString();
    }

    /** The end of the Gmail-like header: DKIM, then the fields the author wrote. */
    private static StringBuilder signatures(StringBuilder h, String b64) {
        h.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s1;\r\n"
                + "        h=list-unsubscribe:to:subject:message-id:date:from:mime-version; bh=").append(b64)
                .append(";\r\n");
        for (int i = 0; i < 6; i++) {
            h.append("        b=").append(b64).append("\r\n");
        }
        h.append("MIME-Version: 1.0\r\n");
        h.append("From: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_Newsletter?= <news@example.org>\r\n");
        h.append("Date: Mon, 6 Jan 2025 19:10:00 +0100\r\n");
        h.append("Message-ID: <CAF=abc123def456ghi789@mail.example.org>\r\n");
        h.append("Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4gLSBkaWUgTmV3cyBkZXIgV29jaGU=?=\r\n");
        h.append("To: alice@example.com\r\nReply-To: reply@example.org\r\n");
        h.append("List-Id: Example news <news.example.org>\r\n");
        h.append("List-Unsubscribe: <mailto:unsubscribe@example.org?subject=unsubscribe>,\r\n"
                + " <https://example.org/unsubscribe/").append(b64).append(">\r\n");
        h.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
        h.append("Content-Type: multipart/alternative; boundary=\"000000000000a1b2c3d4e5f6\"\r\n");
        return h;
    }
}
