package dev.pop3raw.testing;

/**
 * The canned start of a scripted session, as the consumer opens it: greeting, CAPA, USER/PASS, CAPA again (RFC 2449:
 * capabilities may change after login).
 */
public final class ScriptedLogin {

    /** A CAPA answer with USER, UIDL and PIPELINING. */
    public static final String CAPA_PIPELINING = "+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n";
    /** A CAPA answer with USER and UIDL only: the client must not pipeline. */
    public static final String CAPA_LOCKSTEP = "+OK\r\nUSER\r\nUIDL\r\n.\r\n";

    private ScriptedLogin() {
    }

    /** The greeting, then CAPA answered with {@code capa}. */
    public static ScriptedPop3Server.Script greetingAndCapa(ScriptedPop3Server.Script s, String capa) {
        return s.greeting().expect("CAPA").send(capa);
    }

    /** The script up to a logged-in session: {@link #greetingAndCapa}, USER/PASS accepted, CAPA again. */
    public static ScriptedPop3Server.Script loggedIn(ScriptedPop3Server.Script s, String user, String password,
            String capa) {
        return greetingAndCapa(s, capa)
                .expect("USER " + user).send("+OK\r\n")
                .expect("PASS " + password).send("+OK\r\n")
                .expect("CAPA").send(capa);
    }
}
