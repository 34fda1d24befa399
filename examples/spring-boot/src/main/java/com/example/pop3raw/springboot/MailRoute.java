package com.example.pop3raw.springboot;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Polls the mailbox named in application.properties. The URI carries only the server: the user name, password, TLS
 * mode and the other mailbox settings are component options, set with {@code camel.component.pop3raw.*}.
 */
@Component
public class MailRoute extends RouteBuilder {

    private final Inbox inbox;

    public MailRoute(Inbox inbox) {
        this.inbox = inbox;
    }

    @Override
    public void configure() {
        from("pop3raw:{{mail.pop3.host}}:{{mail.pop3.port}}?delay={{mail.pop3.delay}}").routeId("mail")
                .log("${header.CamelPop3RawUidl}: ${header.CamelPop3RawSubject}")
                .bean(inbox, "receive");
    }
}
