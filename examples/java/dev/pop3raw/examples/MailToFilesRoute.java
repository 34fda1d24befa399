package dev.pop3raw.examples;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Delete mode, Java DSL: each message is written to {@code <mailbox>/<uidl>.eml}, and only once that worked is it deleted
 * from the server (DELE, committed by QUIT at the end of the poll). A message whose route fails stays on the
 * server and is offered again at the next poll.
 * <p>
 * The {@code {{...}}} placeholders come from examples/yaml/application.properties (or -D / environment
 * overrides). Run it against the demo mailbox: {@code mvn -q -B test-compile exec:java@demo -Ddemo.dsl=java}.
 */
public class MailToFilesRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("pop3raw:{{pop3.host}}:{{pop3.port}}?tls={{pop3.tls}}"
                + "&username={{pop3.user}}&password=RAW({{pop3.password}})"
                + "&delete=true"
                + "&delay={{pop3.delay}}&initialDelay=0")
                .routeId("mail-to-files-java")
                // the exchange id is the message's UIDL, stable across sessions
                .to("file:{{mail.output}}?fileName=${header.CamelPop3RawMailbox}/${exchangeId}.eml")
                .log(LoggingLevel.INFO, "pop3raw.example", ExampleLog.LINE);
    }
}
