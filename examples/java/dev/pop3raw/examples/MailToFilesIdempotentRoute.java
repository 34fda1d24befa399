package dev.pop3raw.examples;

import java.io.File;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

/**
 * Idempotent mode, Java DSL: messages stay on the server; a file-based idempotent repository remembers each
 * message consumed (key {@code user@host:port/UIDL}), so that neither the next poll nor a restart consumes it
 * again. A message whose route fails is removed from the repository and offered again at the next poll.
 * <p>
 * Run it against the demo mailbox:
 * {@code mvn -q -B test-compile exec:java@demo -Ddemo.dsl=java -Ddemo.mode=idempotent}.
 */
public class MailToFilesIdempotentRoute extends RouteBuilder {

    @Override
    public void configure() {
        // one key per line in the file, which survives restarts; the cache should be larger than the mailbox
        File store = new File(getContext().resolvePropertyPlaceholders("{{pop3.seen-file}}"));
        IdempotentRepository seenMail = FileIdempotentRepository.fileIdempotentRepository(store, 10_000);
        bindToRegistry("seenMail", seenMail);

        from("pop3raw:{{pop3.host}}:{{pop3.port}}?tls={{pop3.tls}}"
                + "&username={{pop3.user}}&password=RAW({{pop3.password}})"
                + "&idempotentRepository=#seenMail"
                + "&delay={{pop3.delay}}&initialDelay=0")
                .routeId("mail-to-files-idempotent-java")
                .to("file:{{mail.output}}?fileName=${header.CamelPop3RawMailbox}/${exchangeId}.eml")
                .log(LoggingLevel.INFO, "pop3raw.example", ExampleLog.LINE);
    }
}
