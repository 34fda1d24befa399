package dev.pop3raw.camel;

/**
 * A part's file name made safe to write under: the sender chose it, and {@code ../../.bashrc} or {@code C:\x} must not
 * leave the folder a route writes to.
 */
final class SafeFileName {

    private SafeFileName() {
    }

    /**
     * What follows the last / or \ of {@code name}, without control characters, with the characters Windows forbids
     * in file names ({@code <>:"|?*}) replaced by _, trimmed; null when nothing is left, or for . and ..
     */
    static String of(String name) {
        if (name == null) {
            return null;
        }
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder safe = new StringBuilder(last.length());
        last.codePoints().forEach(c -> {
            if (Character.getType(c) == Character.CONTROL) {
                return;
            }
            safe.appendCodePoint("<>:\"|?*".indexOf(c) >= 0 ? '_' : c);
        });
        String result = safe.toString().trim();
        return result.isEmpty() || result.equals(".") || result.equals("..") ? null : result;
    }
}
