package dev.pop3raw.camel;

import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * Opens a {@link MimePartReader} on a message: {@code dev.pop3raw.mime.Mime4jPartReader}, loaded by name so that the
 * component works without Apache James Mime4j (an optional dependency) until a route splits a message. Without
 * Mime4j that fails with an error naming the dependency to add.
 */
final class MimeParts {

    static final String READER_CLASS = "dev.pop3raw.mime.Mime4jPartReader";
    static final String MIME4J_CLASS = "org.apache.james.mime4j.stream.MimeTokenStream";
    static final String MISSING = "pop3raw: splitting a message into its parts needs Apache James Mime4j on the class"
            + " path; add the dependency org.apache.james:apache-mime4j-core (0.8.15 or a later 0.8.x)";

    private static volatile Constructor<? extends MimePartReader> constructor;

    private MimeParts() {
    }

    /**
     * A reader of the leaf parts of the message {@code in} holds.
     *
     * @param walkMessages whether the parts of a message/rfc822 part are walked (else it is one part)
     * @throws IllegalStateException Mime4j is not on the class path
     */
    static MimePartReader open(InputStream in, boolean walkMessages) {
        try {
            return constructor().newInstance(in, walkMessages);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("pop3raw: cannot create the MIME parser " + READER_CLASS + ": " + e, e);
        }
    }

    private static Constructor<? extends MimePartReader> constructor() {
        Constructor<? extends MimePartReader> c = constructor;
        if (c != null) {
            return c;
        }
        ClassLoader loader = MimeParts.class.getClassLoader();
        try {
            Class.forName(MIME4J_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(MISSING, e);
        }
        try {
            c = Class.forName(READER_CLASS, true, loader).asSubclass(MimePartReader.class)
                    .getConstructor(InputStream.class, boolean.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException(MISSING + " (" + e + ")", e);
        }
        constructor = c;
        return c;
    }
}
