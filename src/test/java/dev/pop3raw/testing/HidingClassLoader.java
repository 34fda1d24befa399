package dev.pop3raw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A class loader without a library, for the tests that prove an optional dependency is optional. Asked for a class of
 * a hidden package it answers {@link ClassNotFoundException} (and records the name, {@link #hiddenAsked()}); the
 * hidden packages' resources are hidden too. The classes it copies it defines itself (child first) from the bytes the
 * test's class path holds, so what they load in turn comes through here and cannot see the library. Everything else
 * comes from the test's class loader, shared with the test.
 *
 * <ul>
 * <li>{@link #copying(List, Class...)} copies a few classes (and their nested classes): the test calls the copies
 * with its own objects, which the copies share with it (one Camel, one configuration class);</li>
 * <li>{@link #copyingTheClassPath(List)} copies every class the class path holds (all but the JDK's): a world of its
 * own, as an application without the library would be, which the test drives by reflection.</li>
 * </ul>
 */
public final class HidingClassLoader extends ClassLoader {

    private final List<String> hiddenPackages;
    private final Predicate<String> copied;
    private final List<String> hiddenAsked = new CopyOnWriteArrayList<>();
    private final List<String> defined = new CopyOnWriteArrayList<>();

    private HidingClassLoader(List<String> hiddenPackages, Predicate<String> copied) {
        super(HidingClassLoader.class.getClassLoader());
        this.hiddenPackages = List.copyOf(hiddenPackages);
        this.copied = copied;
    }

    /**
     * Hides the packages (name prefixes such as {@code "io.micrometer."}) and copies {@code classes} and their nested
     * classes; the rest is the test's.
     */
    public static HidingClassLoader copying(List<String> hiddenPackages, Class<?>... classes) {
        List<String> names = Arrays.stream(classes).map(Class::getName).toList();
        return new HidingClassLoader(hiddenPackages,
                name -> names.stream().anyMatch(c -> name.equals(c) || name.startsWith(c + "$")));
    }

    /** Hides the packages and copies every class of the test's class path; only the JDK's classes are shared. */
    public static HidingClassLoader copyingTheClassPath(List<String> hiddenPackages) {
        ClassLoader testLoader = HidingClassLoader.class.getClassLoader();
        return new HidingClassLoader(hiddenPackages, name -> {
            URL url = name.startsWith("java.") ? null : testLoader.getResource(classFile(name));
            return url != null && !"jrt".equals(url.getProtocol());
        });
    }

    /** The names of the hidden classes asked for, in order. */
    public List<String> hiddenAsked() {
        return hiddenAsked;
    }

    /** The names of the classes this loader defined (its copies), in order. */
    public List<String> defined() {
        return defined;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            if (hidden(name)) {
                hiddenAsked.add(name);
                throw new ClassNotFoundException(name + " (hidden)");
            }
            if (!copied.test(name)) {
                return super.loadClass(name, resolve);
            }
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try (InputStream in = getParent().getResourceAsStream(classFile(name))) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    c = defineClass(name, bytes, 0, bytes.length);
                    defined.add(name);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        return hidden(name.replace('/', '.')) ? null : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return hidden(name.replace('/', '.')) ? Collections.emptyEnumeration() : super.getResources(name);
    }

    private boolean hidden(String name) {
        return hiddenPackages.stream().anyMatch(name::startsWith);
    }

    private static String classFile(String className) {
        return className.replace('.', '/') + ".class";
    }
}
