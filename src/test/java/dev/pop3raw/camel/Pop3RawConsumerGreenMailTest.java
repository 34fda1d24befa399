package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.StreamCache;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.Test;

import dev.pop3raw.client.MessageInfo;

/** The commit rules, the exchange and its headers, against GreenMail. */
class Pop3RawConsumerGreenMailTest extends Pop3RawTestSupport {

    private final List<String> ids = new CopyOnWriteArrayList<>();
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();

    private void route(String uri, RouteBodyStep step) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("pop").process(e -> {
                    ids.add(e.getExchangeId());
                    step.apply(e);
                }).to("mock:out");
            }
        });
    }

    interface RouteBodyStep {
        void apply(Exchange e) throws Exception;
    }

    private Pop3RawEndpoint endpoint() {
        return (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
    }

    @Test
    void exchangeIdIsUidlBodyIsRawAndReReadableHeadersDecoded() throws Exception {
        String raw = "From: =?UTF-8?B?SsO2cmc=?= <joerg@example.com>\r\nTo: alice@localhost\r\n"
                + "Cc: =?ISO-8859-1?Q?Ren=E9?= <rene@example.com>\r\nDate: Tue, 25 Nov 2025 10:00:00 +0000\r\n"
                + "Message-ID: <m1@example.com>\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n =?UTF-8?B?IGF1cyBLw7Zsbg==?=\r\n"
                + "\r\n.leading dot line\r\nbody\r\n";
        deliver(raw);
        MessageInfo listed = listing().get(0);
        byte[] expected = retrieveRaw(listed.number());

        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        route(uri("delete=true"), e -> {
            StreamCache cache = e.getIn().getBody(StreamCache.class);
            byte[] first = ((InputStream) cache).readAllBytes();
            cache.reset();
            byte[] second = e.getIn().getBody(byte[].class);
            assertArrayEquals(first, second, "the body can be read twice");
            bodies.add(first);
        });
        mock.assertIsSatisfied(15_000);

        assertEquals(List.of(listed.uidl()), ids);
        assertArrayEquals(expected, bodies.get(0));
        assertTrue(new String(expected).contains("\r\n.leading dot line\r\n"), "dot-stuffing removed");
        Exchange e = mock.getReceivedExchanges().get(0);
        assertEquals(listed.uidl(), e.getIn().getHeader(Pop3RawConstants.UIDL));
        assertEquals(listed.number(), e.getIn().getHeader(Pop3RawConstants.MESSAGE_NUMBER));
        assertEquals((long) expected.length, e.getIn().getHeader(Pop3RawConstants.SIZE));
        assertEquals("alice@127.0.0.1:" + port, e.getIn().getHeader(Pop3RawConstants.MAILBOX));
        assertEquals("Grüße aus Köln", e.getIn().getHeader(Pop3RawConstants.SUBJECT));
        assertEquals("Jörg <joerg@example.com>", e.getIn().getHeader(Pop3RawConstants.FROM));
        assertEquals("alice@localhost", e.getIn().getHeader(Pop3RawConstants.TO));
        assertEquals("René <rene@example.com>", e.getIn().getHeader(Pop3RawConstants.CC));
        assertEquals("Tue, 25 Nov 2025 10:00:00 +0000", e.getIn().getHeader(Pop3RawConstants.DATE));
        assertEquals("<m1@example.com>", e.getIn().getHeader(Pop3RawConstants.MESSAGE_ID));
        assertEquals(0, e.getProperty(ExchangePropertyKey.BATCH_INDEX));
        assertEquals(1, e.getProperty(ExchangePropertyKey.BATCH_SIZE));
        assertEquals(Boolean.TRUE, e.getProperty(ExchangePropertyKey.BATCH_COMPLETE));
    }

    @Test
    void batchPropertiesAndDeleteAfterSuccess() throws Exception {
        deliver(mail("one", "1"));
        deliver(mail("two", "2"));
        deliver(mail("three", "3"));
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(3);
        route(uri("delete=true"), e -> {
        });
        mock.assertIsSatisfied(15_000);
        List<Object> index = new ArrayList<>();
        for (Exchange e : mock.getReceivedExchanges()) {
            index.add(e.getProperty(ExchangePropertyKey.BATCH_INDEX));
            assertEquals(3, e.getProperty(ExchangePropertyKey.BATCH_SIZE));
        }
        assertEquals(List.of(0, 1, 2), index);
        assertEquals(Boolean.TRUE, mock.getReceivedExchanges().get(2).getProperty(ExchangePropertyKey.BATCH_COMPLETE));
        await(() -> {
            try {
                return listing().isEmpty();
            } catch (Exception ex) {
                return false;
            }
        }, "mailbox emptied after success");
        await(() -> endpoint().getMessagesDeleted() == 3, "3 deletions counted");
    }

    @Test
    void routeFailureDeletesNothingAndTheMessageComesBack() throws Exception {
        deliver(mail("retry me", "x"));
        String uidl = listing().get(0).uidl();
        AtomicBoolean failing = new AtomicBoolean(true);
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        route(uri("delete=true"), e -> {
            if (failing.get()) {
                throw new IllegalStateException("route failure on purpose");
            }
        });
        await(() -> ids.size() >= 3, "the failed message offered again at later polls");
        assertEquals(1, listing().size(), "a failed exchange deletes nothing");
        assertEquals(0, endpoint().getMessagesDeleted());
        assertTrue(endpoint().getMessagesFailed() >= 3);
        failing.set(false);
        mock.assertIsSatisfied(15_000);
        await(() -> {
            try {
                return listing().isEmpty();
            } catch (Exception ex) {
                return false;
            }
        }, "deleted once it succeeded");
        assertTrue(ids.stream().allMatch(uidl::equals), "every attempt carries the UIDL as exchange id");
    }

    @Test
    void idempotentRepositoryNeverProcessesTwiceAndKeepsMail() throws Exception {
        CountingRepository repo = new CountingRepository();
        context.getRegistry().bind("repo", repo);
        deliver(mail("a", "a"));
        deliver(mail("b", "b"));
        List<MessageInfo> listed = listing();
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(2);
        route(uri("idempotentRepository=#repo"), e -> {
        });
        mock.assertIsSatisfied(15_000);
        long polls = endpoint().getPolls();
        await(() -> endpoint().getPolls() >= polls + 3, "three more polls");
        assertEquals(2, ids.size(), "no message processed twice");
        assertEquals(2, listing().size(), "without delete=true nothing is deleted");
        for (MessageInfo m : listed) {
            assertTrue(repo.contains("alice@127.0.0.1:" + port + "/" + m.uidl()), "key namespaced by mailbox");
        }
        // per message (claims=auto takes a lease on a repository that is not Camel's memory or file one): the lease
        // key added, the processed key added, the lease released; nothing to confirm (see MessageClaims)
        assertEquals(4, repo.adds.get());
        assertEquals(0, repo.confirms.get());
        assertEquals(2, repo.removes.get());
        assertEquals(2, repo.delegate.getCacheSize(), "only the processed keys stay");

        deliver(mail("c", "c"));
        mock.reset();
        mock.expectedMessageCount(1);
        mock.assertIsSatisfied(15_000);
        assertEquals(3, ids.size());
    }

    @Test
    void idempotentKeyRemovedOnFailureAndConfirmedOnSuccess() throws Exception {
        CountingRepository repo = new CountingRepository();
        context.getRegistry().bind("repo", repo);
        deliver(mail("flaky", "x"));
        String key = "alice@127.0.0.1:" + port + "/" + listing().get(0).uidl();
        AtomicInteger attempts = new AtomicInteger();
        route(uri("idempotentRepository=#repo"), e -> {
            assertFalse(repo.delegate.contains(key), "not marked processed while processing");
            assertEquals(1, repo.delegate.getCacheSize(), "but claimed");
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("fail twice");
            }
        });
        await(() -> repo.delegate.contains(key), "recorded after the third attempt");
        assertEquals(3, attempts.get());
        assertEquals(3, repo.removes.get(), "each failure released its claim, and so did the success");
        assertTrue(repo.contains(key));
        assertEquals(1, repo.delegate.getCacheSize(), "no claim left behind");
        long polls = endpoint().getPolls();
        await(() -> endpoint().getPolls() >= polls + 2, "two more polls");
        assertEquals(3, attempts.get(), "never processed again after success");
    }

    @Test
    void deleteAndRepositoryTogether() throws Exception {
        MemoryIdempotentRepository repo = new MemoryIdempotentRepository();
        context.getRegistry().bind("repo", repo);
        deliver(mail("both", "x"));
        String uidl = listing().get(0).uidl();
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        route(uri("delete=true&idempotentRepository=#repo"), e -> {
        });
        mock.assertIsSatisfied(15_000);
        await(() -> {
            try {
                return listing().isEmpty();
            } catch (Exception ex) {
                return false;
            }
        }, "deleted");
        assertTrue(repo.contains("alice@127.0.0.1:" + port + "/" + uidl), "and recorded");
    }

    @Test
    void neitherDeleteNorRepositoryRefusesToStart() {
        Exception e = assertThrows(Exception.class, () -> route(uri(""), x -> {
        }));
        String messages = CatalogValidationTest.rootMessages(e);
        assertTrue(messages.contains("set delete=true or an idempotentRepository"), messages);
    }

    @Test
    void asynchronousRouteDeletesInALaterSession() throws Exception {
        deliver(mail("async", "x"));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger processed = new AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("delete=true")).routeId("pop").to("seda:slow");
                from("seda:slow").process(e -> {
                    release.await(20, TimeUnit.SECONDS);
                    processed.incrementAndGet();
                });
            }
        });
        long polls = endpoint().getPolls();
        await(() -> endpoint().getPolls() >= polls + 3, "polls while the exchange is still running");
        assertEquals(1, listing().size(), "not deleted while the exchange runs");
        release.countDown();
        await(() -> {
            try {
                return listing().isEmpty();
            } catch (Exception ex) {
                return false;
            }
        }, "deleted by a later session");
        assertEquals(1, processed.get(), "processed exactly once");
    }

    @Test
    void oversizeSkipLeavesTheMessageAndProcessesTheRest() throws Exception {
        deliver(mail("big", "x".repeat(5000)));
        deliver(mail("small", "y"));
        MockEndpoint mock = getMockEndpoint("mock:out");
        mock.expectedMessageCount(1);
        route(uri("delete=true&maxMessageSize=2000"), e -> {
        });
        mock.assertIsSatisfied(15_000);
        assertEquals("small", mock.getReceivedExchanges().get(0).getIn().getHeader(Pop3RawConstants.SUBJECT));
        await(() -> {
            try {
                return listing().size() == 1;
            } catch (Exception ex) {
                return false;
            }
        }, "only the small one deleted");
        assertTrue(endpoint().getSkippedOversize() >= 1);
    }

    /** Counts the calls; shows claim, confirm and remove. */
    static final class CountingRepository extends ServiceSupport implements IdempotentRepository {
        final MemoryIdempotentRepository delegate = new MemoryIdempotentRepository();
        final AtomicInteger adds = new AtomicInteger();
        final AtomicInteger confirms = new AtomicInteger();
        final AtomicInteger removes = new AtomicInteger();

        @Override
        public boolean add(String key) {
            adds.incrementAndGet();
            return delegate.add(key);
        }

        @Override
        public boolean contains(String key) {
            return delegate.contains(key);
        }

        @Override
        public boolean remove(String key) {
            removes.incrementAndGet();
            return delegate.remove(key);
        }

        @Override
        public boolean confirm(String key) {
            confirms.incrementAndGet();
            return delegate.confirm(key);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        protected void doStart() {
            delegate.start();
        }
    }
}
