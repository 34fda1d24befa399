package dev.pop3raw.examples;

/** The log line the examples write per message: progress in this poll, UIDL, size and decoded subject. */
public final class ExampleLog {

    public static final String LINE = "[${sum(${exchangeProperty.CamelBatchIndex},1)}/${exchangeProperty.CamelBatchSize}]"
            + " ${header.CamelPop3RawUidl}  ${header.CamelPop3RawSize} octets"
            + "  ${header.CamelPop3RawSubject}";

    private ExampleLog() {
    }
}
